// Calls to ingest-api with the key the user gave; every error answer is a problem document, shown as it is.
const KEY = 'kinfer.apiKey';

export const apiKey = {
  get: () => localStorage.getItem(KEY) || '',
  set: (key) => localStorage.setItem(KEY, key.trim()),
};

export class Problem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
}

export async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...(options.headers || {}), 'X-API-Key': apiKey.get() } });
  if (!response.ok) {
    throw new Problem(await problemOf(response));
  }
  return response;
}

export async function json(path, options) {
  return (await call(path, options)).json();
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: `HTTP ${response.status}`, detail: response.statusText, status: response.status };
  }
}
