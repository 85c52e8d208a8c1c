"""HTTP helpers shared by the web pages and the JSON API: rate limits and file downloads."""
