// Baseline for bench/run.sh: the Bolt for JavaScript app a team might write instead of qcon-bot. It answers
// /qcon with a fixed text and does no work: Bolt 5 on its default HTTPReceiver, signature verification on,
// processBeforeResponse left at its default. GET /health is a custom route, for the start-up measurement.
// Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL (bench/NoopServer.java --slack answers
// auth.test there), PORT. Listens on 127.0.0.1 only.
const { App } = require('@slack/bolt');

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  customRoutes: [
    {
      path: '/health',
      method: ['GET'],
      handler: (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
  ],
});

app.command('/qcon', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'Baseline: a fixed answer, no search.' });
});

(async () => {
  await app.start({ port: Number(process.env.PORT || 3000), host: '127.0.0.1' });
  console.log(`bolt-js-baseline listening on 127.0.0.1:${process.env.PORT || 3000}`);
})();
