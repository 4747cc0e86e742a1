"""The JSON API: read-only resources for apps, bots and other sites (CONTRACT.md "JSON API")."""
