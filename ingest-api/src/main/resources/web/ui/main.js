// The page: the key, the model form, images by picker, drop or paste, one live card per job, the history.
import { apiKey, json, call, Problem } from './api.js';
import { watch } from './sse.js';
import { buildForm, changedParameters } from './form.js';
import { jobCard, show, problem } from './render.js';

const $ = (id) => document.getElementById(id);
let models = [];
const dropped = [];

$('api-key').value = apiKey.get();
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey.set($('api-key').value);
  start();
});
$('model').addEventListener('change', chooseModel);
$('job-form').addEventListener('submit', submit);
$('refresh-history').addEventListener('click', history);
$('inputs').addEventListener('change', thumbnails);
const drop = $('drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => { event.preventDefault(); drop.classList.remove('over'); add(event.dataTransfer.files); });
drop.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); firstFileInput()?.click(); } });
document.addEventListener('paste', (event) => add(event.clipboardData.files));

function report(error) {
  const box = $('problem');
  box.hidden = false;
  box.replaceChildren(problem(error instanceof Problem ? error.problem : { title: 'Error', detail: String(error.message || error) }));
}

async function start() {
  if (!apiKey.get()) {
    return;
  }
  try {
    models = (await json('/v1/models')).models;
    $('model').replaceChildren(...models.map((m) => new Option(`${m.name} (${m.task || 'model'})`, m.name)));
    chooseModel();
    history();
  } catch (error) {
    report(error);
  }
}

function chooseModel() {
  const model = models.find((m) => m.name === $('model').value);
  if (model) {
    buildForm(model, { inputs: $('inputs'), parameters: $('parameters'), version: $('version'), description: $('model-description') });
    dropped.length = 0;
    thumbnails();
  }
}

function firstFileInput() {
  return $('inputs').querySelector('input[type=file]');
}

function add(files) {
  dropped.push(...[...files].filter((file) => file.type.startsWith('image/') || file.name));
  thumbnails();
}

function thumbnails() {
  const images = [...$('inputs').querySelectorAll('input[type=file]')].flatMap((input) => [...input.files]).concat(dropped);
  $('thumbnails').replaceChildren(...images.map((file) => Object.assign(document.createElement('img'), { src: URL.createObjectURL(file), alt: file.name })));
}

/** One job per image of the first input (plus the others' images, e.g. a style, sent with each). */
async function submit(event) {
  event.preventDefault();
  $('problem').hidden = true;
  const [first, ...others] = [...$('inputs').querySelectorAll('input[type=file]')];
  const images = [...first.files, ...dropped];
  if (!images.length) {
    report({ message: `choose an image for ${first.name}` });
    return;
  }
  for (const image of images) {
    const form = new FormData();
    form.append(first.name, image);
    const sent = [URL.createObjectURL(image)];
    others.filter((input) => input.files[0]).forEach((input) => { form.append(input.name, input.files[0]); sent.push(URL.createObjectURL(input.files[0])); });
    changedParameters($('parameters')).forEach(([name, value]) => form.append(name, value));
    if ($('version').value) {
      form.append('modelVersion', $('version').value);
    }
    const card = jobCard(`${$('model').value}: ${image.name}`);
    $('jobs').prepend(card);
    run(card, form, sent);
  }
  dropped.length = 0;
}

async function run(card, form, inputs) {
  try {
    const job = await json(`/v1/models/${encodeURIComponent($('model').value)}/jobs`, { method: 'POST', body: form });
    card.dataset.jobId = job.jobId;
    show(card, job, inputs);
    if (job.status === 'PENDING' || job.status === 'RUNNING') {
      await watch(job.jobId, (status) => show(card, status, inputs));
    }
    history();
  } catch (error) {
    card.querySelector('.status').textContent = 'refused';
    card.querySelector('.body').replaceChildren(problem(error instanceof Problem ? error.problem : { title: 'Error', detail: String(error) }));
  }
}

async function history() {
  try {
    const { jobs } = await json('/v1/jobs?limit=20');
    $('history').replaceChildren(...jobs.map((job) => {
      const open = Object.assign(document.createElement('button'), { type: 'button', textContent: `${job.model} · ${job.status} · ${job.submittedAt || job.completedAt || ''}` });
      open.addEventListener('click', async () => {
        const card = jobCard(`${job.model}: ${job.jobId}`);
        $('jobs').prepend(card);
        show(card, await (await call(`/v1/jobs/${encodeURIComponent(job.jobId)}`)).json());
      });
      const item = document.createElement('li');
      item.append(open);
      return item;
    }));
  } catch (error) {
    report(error);
  }
}

start();
