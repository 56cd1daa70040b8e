// Stand-in for npm:utp-native: an empty CommonJS module, so WebTorrent runs without uTP.
module.exports = {};
