// Start Swagger UI on the API docs page (a file of its own: the CSP allows no inline script).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // Tokens only: the API never reads the portal's session cookie.
    withCredentials: false,
    persistAuthorization: false,
  });
});
