// The email preview at full height: the frame grows to its whole email, so nothing is cut
// off and the page scrolls as one. The frame runs no script of its own (sandboxed); it
// shares the page's origin only so this one can measure it. Without script, the frame
// keeps its tall default height and scrolls inside.
document.querySelectorAll("iframe[data-fit-height]").forEach((frame) => {
  const fit = () => {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    const height = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
    if (height > 0) frame.style.height = `${height + 2}px`;
  };
  frame.addEventListener("load", fit);
  window.addEventListener("resize", fit);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
});
