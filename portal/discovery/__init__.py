"""Finding the catalog: suggestions while typing (with pinyin), "did you mean", popular searches, and what
search engines read (schema.org JSON-LD, sitemap, robots.txt, the web-app manifest)."""
