// Stand-in for npm:@silentbot1/nat-api. The engine always passes natUpnp and
// natPmp false (lib/torrent/engine.ts), and webtorrent creates its NAT client
// only when `typeof NatAPI === 'function'`: with no default export it never does.
export default undefined;
