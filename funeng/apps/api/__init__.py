"""The REST API (django-ninja): personal access tokens, problem+json errors, one strict input rule."""
