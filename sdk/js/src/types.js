// Shapes shared by the SDK's modules (JSDoc only; this module exports nothing at run time).
// The public API's types for TypeScript users are in ../convene.d.ts.

/** @typedef {{type: string, reason: string, errorCode: number}} ExecutedFailure */
/**
 * @typedef {{userId: number, displayName: string, audio: ''|'computer', muted?: boolean,
 *   bVideoOn: boolean, sharerOn: boolean, isHost: boolean, isManager: boolean,
 *   userIdentity?: string, isInFailover: boolean, isSpeakerOnly: boolean, avatar?: string,
 *   sharerPause: boolean, isAllowIndividualRecording: boolean, isVideoConnect: boolean}} Participant
 */
/** @typedef {{userId: number} & Partial<Participant>} ParticipantUpdate */
/**
 * @typedef {{topic: string, password: string, userName: string, userId: number,
 *   isInMeeting: boolean, sessionId: string}} SessionInfo
 */
/**
 * @typedef {{id: string, message: string, sender: {name: string, userId: number},
 *   receiver: {name: string, userId: number}, timestamp: number}} ChatMessage
 */
/**
 * What `join` and `resume` return (`recording`, `liveStream`, `canRecord`: absent from an
 * older server).
 * @typedef {{sessionId: string, topic: string, userId: number, password: string,
 *   isOriginalHost: boolean, users: Participant[], chatPrivilege: 1|4|5,
 *   sharePrivilege: 0|1|3, renameAllowed: boolean, resumeToken: string,
 *   recording?: 'Recording'|'Paused'|'Stopped', liveStream?: 0|1|2|3, canRecord?: boolean}} JoinResult
 */
/** A pushed event as on the wire. @typedef {{event: string, payload: any}} WireEvent */
/**
 * A decoded server message: the reply to a request, or a pushed event.
 * @typedef {{kind: 'reply', id: number, ok: boolean, result?: any, error?: ExecutedFailure}
 *   | {kind: 'event', event: string, payload: any}} ServerMessage
 */

export {};
