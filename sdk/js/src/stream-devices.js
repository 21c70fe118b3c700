// The stream's devices: switching the microphone, camera and speaker while in use (or for
// the next capture), and the device helpers. `Stream` in stream.js delegates here.
import { captureFailure, failure } from './errors.js';
import { MobileVideoFacingMode } from './enums.js';

/** The device id a capture track reads from ('' without one). @param {MediaStreamTrack|null} track */
export function trackDevice(track) {
  return (track && track.getSettings && track.getSettings().deviceId) || '';
}

/** A camera choice: a device id, or a phone's facing mode. @param {string} id @returns {MediaTrackConstraints} */
export function cameraConstraint(id) {
  if (id === MobileVideoFacingMode.User || id === MobileVideoFacingMode.Environment) return { facingMode: { exact: id } };
  return { deviceId: { exact: id } };
}

/** @param {import('./stream.js').Stream} s @param {string} microphoneId @returns {Promise<''>} */
export async function switchMicrophone(s, microphoneId) {
  s._check();
  if (typeof microphoneId !== 'string') throw failure(4003, 'switchMicrophone needs a device id (playback files are not supported)');
  if (!s._micTrack) { s._micId = microphoneId; return ''; }
  let track;
  try {
    track = (await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: microphoneId } } })).getAudioTracks()[0];
  } catch (e) {
    throw captureFailure(e, 'audio');
  }
  const old = s._micTrack;
  track.enabled = old.enabled;
  if (s._micSender) await s._micSender.replaceTrack(track);
  s._micTrack = track;
  s._micId = microphoneId;
  old.stop();
  return '';
}

/** @param {import('./stream.js').Stream} s @param {string} cameraDeviceId @returns {Promise<''>} */
export async function switchCamera(s, cameraDeviceId) {
  s._check();
  if (typeof cameraDeviceId !== 'string') throw failure(4003, 'switchCamera needs a device id (playback files are not supported)');
  if (!s._camTrack) { s._camId = cameraDeviceId; return ''; }
  let track;
  try {
    const v = { ...s._camConstraints, ...cameraConstraint(cameraDeviceId) };
    track = (await navigator.mediaDevices.getUserMedia({ video: v })).getVideoTracks()[0];
  } catch (e) {
    throw captureFailure(e, 'video');
  }
  const old = s._camTrack;
  if (s._camTransceiver) await s._camTransceiver.sender.replaceTrack(track);
  s._camTrack = track;
  s._camId = cameraDeviceId;
  old.stop();
  s._bindSelf();
  return '';
}

/** @param {import('./stream.js').Stream} s @param {string} speakerId @returns {Promise<''>} */
export async function switchSpeaker(s, speakerId) {
  s._check();
  if (!s.isSupportSpeakerSelection()) throw failure(5000, 'this browser cannot choose the speaker (no setSinkId)');
  try {
    for (const el of s._audioEls.values()) await /** @type {any} */ (el).setSinkId(speakerId);
  } catch (e) {
    throw failure(4003, `switchSpeaker: ${(e && e.name) || e}`);
  }
  s._speakerId = speakerId;
  return '';
}
