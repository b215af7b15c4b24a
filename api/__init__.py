"""The HTTP API: `create_app()` builds it; routers call the query layer, never a driver."""
