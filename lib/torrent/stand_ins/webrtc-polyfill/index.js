// Stand-in for npm:webrtc-polyfill: every RTC* export is undefined, so
// simple-peer and WebTorrent report that WebRTC is not supported.
export const RTCPeerConnection = undefined;
export const RTCSessionDescription = undefined;
export const RTCIceCandidate = undefined;
export const RTCDataChannel = undefined;
export const MediaStream = undefined;
export const MediaStreamTrack = undefined;
export default {};
