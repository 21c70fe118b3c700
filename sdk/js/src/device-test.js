// The pre-join speaker and microphone tests of `LocalAudioTrack` (`testSpeaker`,
// `testMicrophone`), with the reference's options: a tone (or `sampleAudioUrl`) on the chosen
// speaker, the microphone's level as it is heard, and a recording played back.

/** How often `onAnalyseFrequency` is called. */
const ANALYSE_MS = 100;
/** The tone `testSpeaker` plays without `sampleAudioUrl`, and for how long. */
const TONE_HZ = 440;
const TONE_MS = 3000;
/** `testMicrophone`'s longest recording without `maxRecordDuration`, in seconds. */
const DEFAULT_RECORD_SECS = 5;

/**
 * Calls `cb` every `ANALYSE_MS` with the average frequency magnitude (0–255) `analyser`
 * hears; returns the stop function.
 * @param {AnalyserNode} analyser
 * @param {((averageFrequency: number) => void) | undefined} cb
 */
function analyse(analyser, cb) {
  if (typeof cb !== 'function') return () => {};
  const bins = new Uint8Array(analyser.frequencyBinCount);
  const timer = setInterval(() => {
    analyser.getByteFrequencyData(bins);
    let sum = 0;
    for (const b of bins) sum += b;
    cb(bins.length ? sum / bins.length : 0);
  }, ANALYSE_MS);
  return () => clearInterval(timer);
}

/**
 * Plays `el` (an audio element) on `speakerId` where the browser can choose the output.
 * @param {HTMLAudioElement} el
 * @param {string | undefined} speakerId
 */
async function playOn(el, speakerId) {
  const sink = /** @type {any} */ (el);
  if (speakerId && typeof sink.setSinkId === 'function') await sink.setSinkId(speakerId).catch(() => {});
  await el.play().catch(() => {});
}

/**
 * `testSpeaker`: a tone (or the audio at `sampleAudioUrl`) on the speaker, 3 s for the tone.
 * @param {{speakerId?: string, sampleAudioUrl?: string, onAnalyseFrequency?: (f: number) => void}} [options]
 * @returns {{stop(): void, destroy(): void}}
 */
export function testSpeaker(options = {}) {
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  const out = ctx.createMediaStreamDestination();
  analyser.connect(out);
  /** @type {OscillatorNode | null} */
  let osc = null;
  const el = new Audio();
  if (options.sampleAudioUrl) {
    el.src = options.sampleAudioUrl;
    el.crossOrigin = 'anonymous';
    ctx.createMediaElementSource(el).connect(analyser);
    const sink = /** @type {any} */ (el);
    if (options.speakerId && typeof sink.setSinkId === 'function') sink.setSinkId(options.speakerId).catch(() => {});
    el.play().catch(() => {});
  } else {
    osc = ctx.createOscillator();
    osc.frequency.value = TONE_HZ;
    osc.connect(analyser);
    osc.start();
    el.srcObject = out.stream;
    playOn(el, options.speakerId);
  }
  const stopAnalysing = analyse(analyser, options.onAnalyseFrequency);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopAnalysing();
    try { if (osc) osc.stop(); } catch (_) { /* already stopped */ }
    el.pause();
    ctx.close().catch(() => {});
  };
  if (osc) setTimeout(stop, TONE_MS);
  return { stop, destroy: stop };
}

/**
 * @typedef {{microphoneId?: string, speakerId?: string, recordAndPlay?: boolean,
 *   maxRecordDuration?: number, onAnalyseFrequency?: (f: number) => void,
 *   onStartRecording?: () => void, onStopRecording?: () => void,
 *   onStartPlayRecording?: () => void, onStopPlayRecording?: () => void}} MicrophoneTestOptions
 */

/**
 * `testMicrophone`: the microphone's level as it is heard (`onAnalyseFrequency`); with
 * `recordAndPlay`, a recording of at most `maxRecordDuration` seconds (`stopRecording()` ends
 * it sooner) played back on the speaker. `stop()` ends the test, `destroy()` too and releases
 * the microphone.
 * @param {MicrophoneTestOptions} [options]
 * @returns {{stop(): void, stopRecording(): void, destroy(): void}}
 */
export function testMicrophone(options = {}) {
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  /** @type {MediaStream | null} */
  let mic = null;
  /** @type {MediaRecorder | null} */
  let recorder = null;
  /** @type {HTMLAudioElement | null} */
  let player = null;
  let stopAnalysing = () => {};
  let ended = false;
  const audio = options.microphoneId ? { deviceId: { exact: options.microphoneId } } : true;
  const started = navigator.mediaDevices.getUserMedia({ audio }).then((stream) => {
    if (ended) { stream.getTracks().forEach((t) => t.stop()); return; }
    mic = stream;
    ctx.createMediaStreamSource(stream).connect(analyser);
    stopAnalysing = analyse(analyser, options.onAnalyseFrequency);
    if (!options.recordAndPlay || typeof MediaRecorder === 'undefined') return;
    /** @type {Blob[]} */
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    recorder.onstop = () => {
      options.onStopRecording?.();
      if (ended || !chunks.length) return;
      player = new Audio(URL.createObjectURL(new Blob(chunks, { type: chunks[0].type })));
      player.onplay = () => options.onStartPlayRecording?.();
      player.onended = () => options.onStopPlayRecording?.();
      playOn(player, options.speakerId);
    };
    recorder.start();
    options.onStartRecording?.();
    const secs = options.maxRecordDuration || DEFAULT_RECORD_SECS;
    setTimeout(() => { if (recorder && recorder.state === 'recording') recorder.stop(); }, secs * 1000);
  }).catch(() => {});
  const stopRecording = () => { if (recorder && recorder.state === 'recording') recorder.stop(); };
  const stop = () => {
    if (ended) return;
    ended = true;
    stopRecording();
    stopAnalysing();
    if (player) player.pause();
    ctx.close().catch(() => {});
  };
  const destroy = () => {
    stop();
    started.then(() => { if (mic) mic.getTracks().forEach((t) => t.stop()); });
  };
  return { stop, stopRecording, destroy };
}
