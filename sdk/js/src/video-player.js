// The reference's two custom elements. `<video-player-container>` is the area an app lays its
// videos out in; `<video-player>` is one video in it, and what `attachVideo` and
// `attachShareView` return. Each player plays its stream in a `<video>` of its own shadow
// root, sized to the player (`object-fit: contain`), so an app styles only the player.
//
// Attributes, as the reference: `node-id` (the user whose video plays) and `video-quality`
// (`90p` ... `1080p`), set by the SDK when it attaches a video; an app may declare a player
// with them in its markup and pass it to `attachVideo`.
//
// A player also answers as the `<video>` it wraps where pages used to get a `<video>` from
// `attachVideo` (Convene before 0.2): `videoWidth`, `videoHeight`, `srcObject`, `muted`,
// `play()`, `pause()`, `getVideoPlaybackQuality()`, `requestVideoFrameCallback()`; the
// element itself is `player.video`.

/** `VideoQuality` value → the `video-quality` attribute. */
export const QUALITY_NAMES = ['90p', '180p', '360p', '720p', '1080p'];

// In Node (unit tests import the namespace) there is no DOM: the classes exist, unregistered.
const Base = /** @type {typeof HTMLElement} */ (typeof HTMLElement !== 'undefined' ? HTMLElement : class {});

/** `<video-player-container>`: a block that lays out its players; no behaviour of its own. */
export class VideoPlayerContainer extends Base {
  connectedCallback() {
    if (!this.style.display) this.style.display = 'block';
  }
}

/** `<video-player>`: one video. */
export class VideoPlayer extends Base {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ':host{display:block;position:relative;overflow:hidden}'
      + 'video{display:block;width:100%;height:100%;object-fit:contain}'
      + 'video.mirrored{transform:scaleX(-1)}';
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('part', 'video');
    root.append(style, video);
    /** @private */
    this._video = video;
  }

  /** The user whose video plays (the `node-id` attribute). */
  get ['node-id']() { return this.getAttribute('node-id') || ''; }
  set ['node-id'](v) { this.setAttribute('node-id', String(v)); }
  /** The quality asked for (the `video-quality` attribute: `90p` ... `1080p`). */
  get ['video-quality']() { return this.getAttribute('video-quality') || ''; }
  set ['video-quality'](v) { this.setAttribute('video-quality', String(v)); }
  /** The `<video>` inside. */
  get video() { return this._video; }
  get videoWidth() { return this._video.videoWidth; }
  get videoHeight() { return this._video.videoHeight; }
  get srcObject() { return this._video.srcObject; }
  set srcObject(s) {
    this._video.srcObject = s;
    if (s) this._video.play().catch(() => {});
  }
  get muted() { return this._video.muted; }
  set muted(m) { this._video.muted = m; }
  play() { return this._video.play(); }
  pause() { this._video.pause(); }
  getVideoPlaybackQuality() { return this._video.getVideoPlaybackQuality(); }
  /** @param {VideoFrameRequestCallback} cb */
  requestVideoFrameCallback(cb) { return this._video.requestVideoFrameCallback(cb); }
  /** @param {boolean} on */
  _mirror(on) { this._video.classList.toggle('mirrored', !!on); }
}

/**
 * Registers both elements, once per page: under their own names, and as
 * `<{name}>` / `<{name}-container>` too when the app asks for another name
 * (`init` option `alternativeNameForVideoPlayer`).
 * @param {string} [alternative]
 */
export function defineVideoElements(alternative) {
  if (typeof customElements === 'undefined') return;
  /** @param {string} name @param {CustomElementConstructor} cls */
  const define = (name, cls) => { if (!customElements.get(name)) customElements.define(name, cls); };
  define('video-player', VideoPlayer);
  define('video-player-container', VideoPlayerContainer);
  // One constructor is registered under one name only: other names get a subclass.
  if (alternative && alternative !== 'video-player') {
    define(alternative, class extends VideoPlayer {});
    define(`${alternative}-container`, class extends VideoPlayerContainer {});
  }
}

/**
 * Where to play a video: the given `<video-player>` or `<video>` (or the one a selector finds);
 * inside any other given element, a new player appended to it; else a new player.
 * @param {string|Element|null|undefined} element
 * @returns {VideoPlayer|HTMLVideoElement}
 */
export function playerFor(element) {
  const given = typeof element === 'string' ? document.querySelector(element) : element;
  if (given instanceof VideoPlayer || given instanceof HTMLVideoElement) return given;
  defineVideoElements();
  const player = /** @type {VideoPlayer} */ (document.createElement('video-player'));
  if (given) given.appendChild(player);
  return player;
}

defineVideoElements();
