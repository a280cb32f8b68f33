// A job as the task means it: images before/after, faces drawn over the photo, labelled bars, a verdict, a problem.

const element = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => (name in node ? (node[name] = value) : node.setAttribute(name, value)));
  node.append(...children);
  return node;
};

const STEPS = ['queued', 'running', 'done'];
const stepOf = (status) => (status === 'PENDING' ? 'queued' : status === 'RUNNING' ? 'running' : 'done');

export function jobCard(title) {
  const card = element('article', { className: 'job' });
  const steps = element('ol', { className: 'steps', ariaLabel: 'progress' }, ...STEPS.map((step) => element('li', { className: step }, step)));
  card.append(element('h3', {}, title), steps, element('p', { className: 'status' }, 'submitting…'), element('div', { className: 'body' }));
  return card;
}

/** Marks the step a job is at; steps it was seen at stay marked (a job may go from queued straight to done). */
function markStep(card, job) {
  const now = stepOf(job.status);
  card.querySelectorAll('.steps li').forEach((li) => {
    if (li.classList.contains(now)) {
      li.classList.add('seen');
      li.setAttribute('aria-current', 'step');
    } else {
      li.removeAttribute('aria-current');
    }
  });
}

function statusText(job) {
  if (job.status === 'PENDING') {
    return 'queued: waiting for a worker';
  }
  if (job.status === 'RUNNING' && job.running) {
    const r = job.running;
    return `running on ${r.modelVersion} in a batch of ${r.batchSize} (queued ${r.queuedMs} ms)`;
  }
  return job.status.toLowerCase();
}

/** Shows a job document (pending, running or finished) in its card; inputs are object URLs of what was sent, if known. */
export function show(card, job, inputs = []) {
  const status = card.querySelector('.status');
  status.className = `status ${job.status}`;
  status.textContent = statusText(job);
  markStep(card, job);
  const body = card.querySelector('.body');
  body.replaceChildren();
  const result = job.result;
  if (!result) {
    return;
  }
  if (result.timings) {
    const t = result.timings;
    body.append(element('p', { className: 'timings' },
      `queued ${t.queuedMs} ms · fetch ${t.fetchMs} ms · inference ${t.inferenceMs} ms · batch of ${t.batchSize} · ${result.modelVersion}`));
  }
  if (result.error) {
    body.append(problem({ title: result.error.code, detail: result.error.message }));
    return;
  }
  const output = result.output || {};
  if (output.type === 'image') {
    body.append(inputs[0] ? compare(inputs[0], output.image.url) : element('img', { src: output.image.url, alt: 'output', className: 'checker' }),
      element('a', { href: output.image.url, download: `${job.jobId}.png`, className: 'download' }, 'Download'));
  } else if (output.type === 'detections') {
    body.append(faces(inputs[0], output.faces));
  } else if (output.type === 'classifications') {
    body.append(element('ul', { className: 'bars' }, ...output.labels.map((l) => element('li', {},
      element('span', {}, l.label), element('span', { className: 'bar', style: `width:${Math.round(l.probability * 100)}%` }),
      element('span', {}, `${(l.probability * 100).toFixed(1)} %`)))));
  } else if (output.type === 'verification') {
    body.append(element('div', { className: 'pair' }, ...inputs.slice(0, 2).map((src) => element('img', { src, alt: 'face' }))),
      element('p', { className: 'verdict' }, `${output.matched ? 'Same person' : 'Not the same person'}${output.subject ? ` (${output.subject})` : ''}: similarity ${output.similarity.toFixed(3)}`));
  } else if (output.type === 'embedding') {
    body.append(element('p', {}, `embedding of ${output.vector.length} numbers`));
  }
}

export function problem(p) {
  return element('div', { className: 'problem', role: 'alert' }, element('strong', {}, p.title || 'Error'), element('p', {}, p.detail || ''));
}

/** The output over the input, with a slider that uncovers one or the other; transparency on a checkerboard. */
function compare(before, after) {
  const afterLayer = element('div', { className: 'after checker' }, element('img', { src: after, alt: 'output' }));
  const slider = element('input', { type: 'range', min: 0, max: 100, value: 50, className: 'slider' });
  slider.setAttribute('aria-label', 'Before / after');
  const reveal = () => { afterLayer.style.clipPath = `inset(0 0 0 ${slider.value}%)`; };
  slider.addEventListener('input', reveal);
  reveal();
  return element('div', {}, element('div', { className: 'compare' }, element('img', { src: before, alt: 'input' }), afterLayer), slider);
}

/** Boxes and keypoints in the photo's pixels, placed in percent so they follow the image's displayed size. */
function faces(photo, found) {
  if (!photo) {
    // A job opened from the history: the photo stays with whoever sent it, so the faces are listed, not drawn.
    return element('ul', {}, ...found.map((face) => element('li', {},
      `score ${face.score.toFixed(2)} at ${Math.round(face.box.x)}, ${Math.round(face.box.y)} (${Math.round(face.box.width)}×${Math.round(face.box.height)} px)`)));
  }
  const overlay = element('div', { className: 'overlay' });
  const image = element('img', { src: photo, alt: `photo with ${found.length} face(s)` });
  overlay.append(image, element('p', { className: 'hint' }, `${found.length} face(s)`));
  const place = () => {
    overlay.querySelectorAll('.face, .point').forEach((node) => node.remove());
    const w = image.naturalWidth || 1;
    const h = image.naturalHeight || 1;
    found.forEach((face) => {
      const box = element('div', { className: 'face', style: `left:${(face.box.x / w) * 100}%;top:${(face.box.y / h) * 100}%;width:${(face.box.width / w) * 100}%;height:${(face.box.height / h) * 100}%` },
        element('span', {}, face.score.toFixed(2)));
      overlay.append(box, ...(face.landmarks || []).map((p) => element('div', { className: 'point', style: `left:${(p.x / w) * 100}%;top:${(p.y / h) * 100}%` })));
    });
  };
  image.complete ? place() : image.addEventListener('load', place);
  return overlay;
}
