"""What researchers take away from the archive: citations, feeds, sitemaps, pictures and the bulk export."""
