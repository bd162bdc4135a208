"""The JSON API base: OpenAPI document, problem+json errors, pagination."""
