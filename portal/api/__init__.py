"""The developer APIs: the native REST API (/api/v1) and the CKAN-compatible Action API (/api/3/action)."""
