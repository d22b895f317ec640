import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsFor, isLoopback } from './endpoints.js';

test('loopback detection', () => {
  for (const d of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', '[::1]']) assert.ok(isLoopback(d), d);
  for (const d of ['example.com', '10.0.0.1:5000', '128.0.0.1', 'localhost.example.com']) assert.ok(!isLoopback(d), d);
});

test('endpoints: scheme, insecure list, mirrors for docker.io only', () => {
  assert.deepEqual(endpointsFor('localhost:5000', [], []), [{ baseUrl: 'http://localhost:5000', mirror: false }]);
  assert.deepEqual(endpointsFor('reg.example:5000', [], []), [{ baseUrl: 'https://reg.example:5000', mirror: false }]);
  assert.deepEqual(endpointsFor('reg.example:5000', ['reg.example:5000'], []), [{ baseUrl: 'http://reg.example:5000', mirror: false }]);
  assert.deepEqual(endpointsFor('docker.io', [], ['http://mirror:5000/']), [
    { baseUrl: 'http://mirror:5000', mirror: true },
    { baseUrl: 'https://registry-1.docker.io', mirror: false },
  ]);
  assert.equal(endpointsFor('quay.io', [], ['http://mirror']).length, 1);
});
