// Drives the published `open311` npm client (codeforamerica/node-open311), unmodified, against
// a live Aduan: discovery, services, a service definition, POST a request, GET requests (by
// filter and by a list of ids) and GET one request. Prints what the client returned as JSON.
// Usage: node drive.js <discovery url> <jurisdiction_id> <api_key> <service_code> <post json>
'use strict';

const Open311 = require('open311');

const [discovery, jurisdiction, apiKey, serviceCode, postJson] = process.argv.slice(2);
const client = new Open311({ discovery: discovery, jurisdiction: jurisdiction, apiKey: apiKey });
const out = {};

function step(name, call) {
  return new Promise(function (resolve, reject) {
    call(function (err, data) {
      if (err) {
        reject(new Error(name + ' failed: ' + JSON.stringify(data)));
        return;
      }
      out[name] = data;
      resolve(data);
    });
  });
}

(async function () {
  // cache: true makes the client take its endpoint and format from the discovery document.
  await step('discovery', (cb) => client.serviceDiscovery({ cache: true }, cb));
  out.endpoint = client.endpoint;
  out.format = client.format;
  await step('services', (cb) => client.serviceList(cb));
  await step('definition', (cb) => client.serviceDefinition(serviceCode, cb));
  const posted = await step('posted', (cb) => client.submitRequest(JSON.parse(postJson), cb));
  const id = posted[0].service_request_id;
  await step('requests', (cb) => client.serviceRequests({ service_code: serviceCode }, cb));
  await step('by_ids', (cb) => client.serviceRequests([id], cb));
  await step('request', (cb) => client.serviceRequest(id, cb));
  process.stdout.write(JSON.stringify(out));
})().catch(function (error) {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
