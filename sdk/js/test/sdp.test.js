// What the SDK changes in the offer and the SFU's answer before applying them, run in plain Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOpusDtx, withRrtr } from '../src/sdp.js';

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

test('XR reference times go with NACK on each video format, once', () => {
  const sdp = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rtpmap:97 rtx/90000',
    'a=fmtp:97 apt=96',
    '',
  ].join('\r\n');
  const out = withRrtr(sdp);
  assert.match(out, /^a=rtcp-fb:96 nack\r\na=rtcp-fb:96 rrtr\r\na=rtcp-fb:96 nack pli\r$/m);
  assert.equal(out.match(/rrtr/g)?.length, 1, 'only the format with NACK, not Opus or RTX');
  assert.equal(withRrtr(out), out, 'applying it twice changes nothing');
});
