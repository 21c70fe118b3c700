// `subsession-moved`: the server moved this user into another room of the session (a
// subsession, or back to the main session; docs/subsessions.md). The client takes the new
// room as it takes a join reply: its session id (a resume from now on goes to the room), user
// list and privileges; the app sees the users left behind go and those met arrive; the media
// is rebuilt as after a failover to another node (the old room's peer is dropped by the
// server); and `connection-change` tells the app, with the reference's reasons.
import { SessionState } from './session-state.js';
import { userListDiff } from './rules.js';

/** @typedef {import('./client.js').VideoClient} VideoClient */
/**
 * The event's payload (`reason`: 'join breakout room', 'move to breakout room' or 'back to
 * main session'; `subsessionId` absent in the main session).
 * @typedef {{reason: string, subsessionId?: string, subsessionName?: string,
 *   session: import('./types.js').JoinResult}} SubsessionMoved
 */

/**
 * Moves `client` into the room of `moved`. The session state and user list change at once
 * (later events are the new room's); the media rebuilds of successive moves run one after
 * the other, each followed by `connection-change` `Connected`.
 * @param {VideoClient} client
 * @param {SubsessionMoved} moved
 */
export function moveRoom(client, moved) {
  const old = client._session;
  if (!old || !moved || !moved.session) return;
  client._emit('connection-change', { state: 'Reconnecting', reason: moved.reason, subsessionName: moved.subsessionName || '' });
  client._session = new SessionState(moved.session);
  for (const ev of userListDiff([...old.users.values()], [...client._session.users.values()])) {
    if (ev.event === 'user-removed' && client._stream) {
      for (const u of ev.payload) client._stream._onUserGone(u.userId);
    }
    client._emit(ev.event, ev.payload);
  }
  const session = client._session;
  client._moving = client._moving
    .then(() => (client._stream ? client._stream._afterMove() : undefined))
    .catch(() => {})
    .then(() => {
      // Not if the session ended or failed over meanwhile (the failover says Connected itself).
      if (client._phase === 'joined' && client._session === session) client._emit('connection-change', { state: 'Connected' });
    });
}
