"""Articles in: the readers of each format, a page's article body, where a batch's articles come from."""
