// Reads a feed with Podcast Index's parser (podcast-partytime) and prints what it found as JSON.
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"));
if (!feed) {
  console.error("podcast-partytime did not read the feed");
  process.exit(1);
}
console.log(JSON.stringify({
  locked: feed.locked,
  owner: feed.podcastOwner,
  medium: feed.medium,
  type: feed.itunesType,
  items: feed.items.map((item) => ({
    title: item.title,
    author: item.author,
    episodeType: item.itunesEpisodeType,
  })),
}));
