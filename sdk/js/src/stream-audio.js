// The stream's computer audio: the microphone captured and published (`startAudio`,
// `stopAudio`), muting self and others. `Stream` in stream.js delegates here.
import { asFailure, captureFailure, failure } from './errors.js';
import { devicesWithin, listDevices } from './preview.js';

/**
 * @param {import('./stream.js').Stream} s
 * @param {{mute?: boolean, microphoneId?: string, speakerOnly?: boolean}} options
 * @returns {Promise<''>}
 */
export async function startAudio(s, options) {
  s._check();
  const mute = !!(options && options.mute);
  let track = null;
  if (!(options && options.speakerOnly)) {
    try {
      const mic = (options && options.microphoneId) || s._micId;
      const constraints = mic ? { deviceId: { exact: mic } } : true;
      const ms = await navigator.mediaDevices.getUserMedia({ audio: constraints });
      track = ms.getAudioTracks()[0];
    } catch (e) {
      throw captureFailure(e, 'audio');
    }
  }
  // With permission granted the device lists get their labels.
  const devices = track ? listDevices() : null;
  try {
    await s._req('startAudio', options && options.speakerOnly ? { mute, speakerOnly: true } : { mute });
  } catch (e) {
    if (track) track.stop();
    throw asFailure(e);
  }
  s._audioStarted = true;
  if (s._micTrack) s._micTrack.stop();
  s._micTrack = track;
  const pc = s._ensurePc();
  if (track) {
    track.enabled = !mute;
    if (s._micSender) await s._micSender.replaceTrack(track);
    else s._micSender = pc.addTransceiver(track, { direction: 'sendonly' }).sender;
  }
  await s._renegotiate();
  await devicesWithin(devices);
  return '';
}

/** @param {import('./stream.js').Stream} s @returns {Promise<''>} */
export async function stopAudio(s) {
  await s._req('stopAudio');
  s._audioStarted = false;
  if (s._micTrack) { s._micTrack.stop(); s._micTrack = null; }
  if (s._micSender) await s._micSender.replaceTrack(null).catch(() => {});
  return '';
}

/**
 * `muteAudio` (`mute`) and `unmuteAudio`: self (no id) or another user.
 * @param {import('./stream.js').Stream} s
 * @param {number|undefined} userId
 * @param {boolean} mute
 * @returns {Promise<''>}
 */
export async function setAudioMuted(s, userId, mute) {
  s._check();
  const self = userId === undefined || userId === null || userId === s._c._session.userId;
  if (self && !s._audioStarted) throw failure(6015, 'audio is not started');
  await s._req(mute ? 'muteAudio' : 'unmuteAudio', self ? {} : { userId });
  if (self && s._micTrack) s._micTrack.enabled = !mute;
  return '';
}

/** @param {import('./stream.js').Stream} s @param {number} [userId] */
export function isAudioMuted(s, userId) {
  const session = s._c._session;
  if (!session) return true;
  const u = session.users.get(userId === undefined ? session.userId : userId);
  return !!(u && u.muted);
}
