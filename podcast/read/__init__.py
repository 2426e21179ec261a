"""Articles in: the readers of each format, a page's article body, the page-furniture rules
(:mod:`podcast.read.clean`), the newsroom's own reading rules and what a site repeats on every
page, and where a batch's articles come from."""
