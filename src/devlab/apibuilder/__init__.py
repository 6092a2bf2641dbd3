"""API Builder: OpenAPI / DDL parsing, one API model, SDKs, mock server, live tests."""
