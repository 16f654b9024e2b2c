"""The REST API's shared parts: the base view that asks the policy and logs every call, and
the version-1 URL root. Each app keeps its own endpoints in its `api/` package."""
