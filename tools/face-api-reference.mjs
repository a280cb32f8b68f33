// The reference for kinfer's port of face-api's recognition network (embed-face): face-api's own code and
// weights, on its bundled TensorFlow.js CPU backend, computing the descriptor of one 150x150 RGB face.
// usage: node tools/face-api-reference.mjs <face-api.esm.js> <dir with face_recognition_model*> <150x150x3 raw RGB file>
// prints the 128 numbers as a JSON array.
import fs from 'node:fs';
const [bundle, dir, rgbFile] = process.argv.slice(2);
// The ESM bundle is built for browsers: its Node platform lacks Node's util, so let it not see Node at all.
const nodeProcess = globalThis.process;
Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
const faceapi = await import(new URL('file://' + bundle).href);
Object.defineProperty(globalThis, 'process', { value: nodeProcess, configurable: true, writable: true });
const tf = faceapi.tf;
// ... and give it the few platform services it needs, from Node's globals.
tf.env().setPlatform('kinfer-reference', {
  fetch: () => { throw new Error('no network here'); },
  now: () => performance.now(),
  encode: (text) => new TextEncoder().encode(text),
  decode: (bytes, encoding) => new TextDecoder(encoding).decode(bytes),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
  setTimeoutCustom: (f, delay) => setTimeout(f, delay),
});
await tf.setBackend('cpu');
await tf.ready();
const manifest = JSON.parse(fs.readFileSync(dir + '/face_recognition_model-weights_manifest.json'));
const data = fs.readFileSync(dir + '/face_recognition_model.bin');
const weights = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.length), manifest[0].weights);
await faceapi.nets.faceRecognitionNet.loadFromWeightMap(weights);
const rgb = fs.readFileSync(rgbFile);
const input = tf.tensor3d(new Int32Array(rgb), [150, 150, 3], 'int32');
// forwardInput is computeFaceDescriptor without its environment checks (this is neither a browser nor tfjs-node).
const output = faceapi.nets.faceRecognitionNet.forwardInput(new faceapi.NetInput([input]));
console.log(JSON.stringify(Array.from(await output.data())));
