// The reference for kinfer's ports of face-api's networks: face-api's own code and weights, on its bundled
// TensorFlow.js CPU backend, run on one face crop.
// usage: node tools/face-api-reference.mjs <face-api.esm.js> <dir with the network's weights> <raw RGB file> [network]
//   recognition (default, embed-face): a 150x150 crop; prints the 128-number descriptor as a JSON array
//   expression (the classify demo): a 112x112 crop; prints the 7 probabilities, face-api's label order
//   landmarks (detect-faces' landmarks=68): a 112x112 crop; prints the 68 points as 136 numbers, x then y, in 0..1
import fs from 'node:fs';
const [bundle, dir, rgbFile, network = 'recognition'] = process.argv.slice(2);
const NETWORKS = {
  recognition: { side: 150, weights: 'face_recognition_model', net: (api) => api.nets.faceRecognitionNet },
  expression: { side: 112, weights: 'face_expression_model', net: (api) => api.nets.faceExpressionNet },
  landmarks: { side: 112, weights: 'face_landmark_68_model', net: (api) => api.nets.faceLandmark68Net },
};
const chosen = NETWORKS[network];
if (!chosen) {
  throw new Error(`no network ${network}; one of ${Object.keys(NETWORKS)}`);
}
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
const manifest = JSON.parse(fs.readFileSync(`${dir}/${chosen.weights}-weights_manifest.json`));
const data = fs.readFileSync(`${dir}/${chosen.weights}.bin`);
const weights = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.length), manifest[0].weights);
const net = chosen.net(faceapi);
await net.loadFromWeightMap(weights);
const rgb = fs.readFileSync(rgbFile);
const input = tf.tensor3d(new Int32Array(rgb), [chosen.side, chosen.side, 3], 'int32');
// forwardInput is what computeFaceDescriptor and predictExpressions call, without their environment checks (this
// is neither a browser nor tfjs-node).
const output = net.forwardInput(new faceapi.NetInput([input]));
console.log(JSON.stringify(Array.from(await output.data())));
