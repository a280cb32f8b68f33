// GET /v1/jobs/{id}/events read with fetch, not EventSource: EventSource cannot send the X-API-Key header.
import { call } from './api.js';

/** Calls onStatus with each job document the stream sends, until the stream ends. */
export async function watch(jobId, onStatus) {
  const response = await call(`/v1/jobs/${encodeURIComponent(jobId)}/events`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
      if (data) {
        onStatus(JSON.parse(data));
      }
    }
  }
}
