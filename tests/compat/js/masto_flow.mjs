// Elk's and Phanpy's calls through masto.js itself: node masto_flow.mjs URL TOKEN FRIEND_ID
import { createRestAPIClient } from "masto";

const [url, accessToken, friendId] = process.argv.slice(2);
const masto = createRestAPIClient({ url, accessToken, timeout: 20000 });
// 1x1 PNG
const png = Uint8Array.from(Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64"));

const out = {};
out.instance = await masto.v2.instance.fetch();
out.instanceV1 = await masto.v1.instance.fetch();
out.me = await masto.v1.accounts.verifyCredentials();
out.preferences = await masto.v1.preferences.fetch();
try {
  await masto.v1.push.subscription.fetch();
  out.pushError = null;
} catch (e) {
  out.pushError = e.statusCode ?? String(e);
}
await masto.v1.accounts.$select(friendId).follow({ reblogs: true });
await masto.v1.accounts.$select(friendId).note.create({ comment: "masto.js" });
[out.relationship] = await masto.v1.accounts.relationships.fetch({ id: [friendId] });
out.familiar = await masto.v1.accounts.familiarFollowers.fetch({ id: [friendId] });
out.markers = await masto.v1.markers.fetch({ timeline: ["home", "notifications"] });
const media = await masto.v2.media.create({
  file: new Blob([png], { type: "image/png" }), description: "from masto.js" });
out.media = media;
out.status = await masto.v1.statuses.create({
  status: "posted by masto.js", mediaIds: [media.id], visibility: "public", language: "en" });
out.context = await masto.v1.statuses.$select(out.status.id).context.fetch();
out.source = await masto.v1.statuses.$select(out.status.id).source.fetch();
const home = await masto.v1.timelines.home.list({ limit: 20 });
out.homeFirst = home[0]?.id;
const grouped = await masto.v2.notifications.list({ limit: 20 });
out.groups = grouped.notificationGroups.length;
out.policy = await masto.v2.notifications.policy.fetch();
out.languages = (await masto.v1.instance.languages.list()).length;
out.profile = await masto.v1.accounts.$select(friendId).statuses.list({ limit: 20 });
out.endorsements = await masto.v1.endorsements.list();
console.log(JSON.stringify(out));
