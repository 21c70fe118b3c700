// What the SDK changes in the SFU's answer before applying it, run in plain Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOpusDtx } from '../src/media-peer.js';

const answer = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=rtpmap:96 VP8/90000',
  'a=fmtp:96 max-fs=12288',
  '',
].join('\r\n');

test('Opus DTX is asked for on the Opus format line only, once', () => {
  const out = withOpusDtx(answer);
  assert.match(out, /^a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r$/m);
  assert.match(out, /^a=fmtp:63 111\/111\r$/m, 'RED untouched');
  assert.match(out, /^a=fmtp:96 max-fs=12288\r$/m, 'video untouched');
  assert.equal(withOpusDtx(out), out, 'applying it twice changes nothing');
  assert.equal(out.split('\r\n').length, answer.split('\r\n').length);
});

test('an answer without Opus is left as it is', () => {
  const video = 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n';
  assert.equal(withOpusDtx(video), video);
});
