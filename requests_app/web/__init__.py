"""The site around the domains: error pages, middleware, throttling, the PDF renderer, widgets, downloads, health."""
