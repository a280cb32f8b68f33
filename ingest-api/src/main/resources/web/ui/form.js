// The submission form, built from a model's description (GET /v1/models): its image inputs, typed parameters, versions.

export function buildForm(model, { inputs, parameters, version, description }) {
  description.textContent = `${model.task}: ${model.description || ''}${model.workerLive === false ? ' (no worker is running)' : ''}`;
  inputs.replaceChildren(...(model.inputs || [{ name: 'image', required: true, maxCount: 1 }]).map((input, index) => {
    const wrapper = document.createElement('div');
    const label = document.createElement('label');
    label.htmlFor = `input-${input.name}`;
    label.textContent = `${input.name}${input.required ? '' : ' (optional)'}${input.description ? ` — ${input.description}` : ''}`;
    const file = document.createElement('input');
    Object.assign(file, { type: 'file', id: `input-${input.name}`, name: input.name, accept: 'image/*' });
    file.multiple = index === 0; // several images in the first input become several jobs
    file.dataset.input = input.name;
    wrapper.append(label, file);
    return wrapper;
  }));
  const legend = parameters.querySelector('legend');
  parameters.replaceChildren(legend, ...(model.parameters || []).map(parameterField));
  parameters.hidden = !(model.parameters || []).length;
  version.replaceChildren(new Option(`current (${model.currentVersion || 'none'})`, ''),
    ...(model.versions || []).map((v) => new Option(v.version, v.version)));
}

function parameterField(parameter) {
  const wrapper = document.createElement('div');
  const label = document.createElement('label');
  const id = `param-${parameter.name}`;
  label.htmlFor = id;
  label.textContent = parameter.name;
  let field;
  if (parameter.values) {
    field = document.createElement('select');
    field.append(new Option('(default)', ''), ...parameter.values.map((value) => new Option(value, value)));
  } else if (parameter.type === 'boolean') {
    field = document.createElement('select');
    field.append(new Option('(default)', ''), new Option('true', 'true'), new Option('false', 'false'));
  } else {
    field = document.createElement('input');
    const bounded = (parameter.type === 'number' || parameter.type === 'integer')
      && (parameter.minimum ?? parameter.exclusiveMinimum) !== undefined && (parameter.maximum ?? parameter.exclusiveMaximum) !== undefined;
    field.type = bounded ? 'range' : parameter.type === 'number' || parameter.type === 'integer' ? 'number' : 'text';
    if (parameter.type === 'number' || parameter.type === 'integer') {
      const step = parameter.type === 'integer' ? 1 : 0.01;
      field.step = step;
      field.min = parameter.minimum ?? (parameter.exclusiveMinimum !== undefined ? parameter.exclusiveMinimum + step : '');
      field.max = parameter.maximum ?? (parameter.exclusiveMaximum !== undefined ? parameter.exclusiveMaximum - step : '');
    }
    if (parameter.pattern) {
      field.pattern = parameter.pattern;
    }
    if (parameter.default !== undefined) {
      field.value = parameter.default;
    }
  }
  field.id = id;
  field.name = `param.${parameter.name}`;
  field.dataset.default = parameter.default ?? '';
  const hint = document.createElement('p');
  hint.className = 'hint';
  hint.id = `${id}-hint`;
  field.setAttribute('aria-describedby', hint.id);
  const describe = () => { hint.textContent = `${parameter.description || ''}${field.type === 'range' ? ` — ${field.value}` : ''}`; };
  field.addEventListener('input', describe);
  describe();
  wrapper.append(label, field, hint);
  return wrapper;
}

/** The parameters the user changed from their defaults, as the form's param.<name> fields. */
export function changedParameters(parameters) {
  return [...parameters.querySelectorAll('[name^="param."]')]
    .filter((field) => field.value !== '' && String(field.value) !== String(field.dataset.default))
    .map((field) => [field.name, field.value]);
}
