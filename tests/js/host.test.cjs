'use strict'
// Tests for js/host.cjs: each test plays the runtime on fd 3 of a spawned host and talks HTTP to
// the worker sockets. Run with `node --test tests/js/`.

const { test } = require('node:test')
const assert = require('node:assert')
const { spawn } = require('node:child_process')
const { EventEmitter, once } = require('node:events')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const HOST = path.resolve(__dirname, '../../js/host.cjs')
const WAIT_MS = 10000 // safety bound for anything we wait on; never used to synchronise

// --- Helpers ---------------------------------------------------------------------------------

function makeApp (t, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watt-host-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content)
  }
  return dir
}

function makeInit (dir, entry, overrides = {}) {
  const workers = overrides.workers ?? 1
  return {
    type: 'init',
    applicationId: 'api',
    root: dir,
    entry: path.join(dir, entry),
    workers,
    sockets: Array.from({ length: workers }, (_, k) => path.join(dir, `w${k}.sock`)),
    meshSocket: path.join(dir, 'mesh.sock'),
    meshApplications: ['a', 'api', 'b'],
    entrypoint: false,
    publicAddress: null,
    hasServer: null,
    logLevel: 'info',
    ...overrides
  }
}

// what: a description, or a function giving one (evaluated on timeout, to show the state then).
function withTimeout (promise, what, ms = WAIT_MS) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    const describe = () => (typeof what === 'function' ? what() : what)
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${describe()}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Spawns the host with the runtime's side of the socketpair on fd 3.
function startHost (t, dir) {
  const child = spawn(process.execPath, [HOST], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
  const control = child.stdio[3]
  const emitter = new EventEmitter()
  const host = {
    child,
    control,
    messages: [],
    stdout: '',
    stderr: '',
    exited: once(child, 'exit').then(([code, signal]) => ({ code, signal })),
    send (msg) { control.write(JSON.stringify(msg) + '\n') },
    // Resolves with the first message at index >= from (already received or future) matching predicate.
    next (predicate, what = 'a control message', from = 0) {
      const found = host.messages.slice(from).find(predicate)
      if (found) return Promise.resolve(found)
      const waiting = new Promise(resolve => {
        const onMessage = msg => {
          if (predicate(msg)) {
            emitter.off('message', onMessage)
            resolve(msg)
          }
        }
        emitter.on('message', onMessage)
      })
      return withTimeout(waiting, () => `${what}; got ${JSON.stringify(host.messages)}; stderr: ${host.stderr}`)
    },
    waitForOutput (text) {
      if (host.stdout.includes(text)) return Promise.resolve()
      const waiting = new Promise(resolve => {
        const onData = () => {
          if (host.stdout.includes(text)) {
            child.stdout.off('data', onData)
            resolve()
          }
        }
        child.stdout.on('data', onData)
      })
      return withTimeout(waiting, () => `"${text}" on stdout; stdout: ${host.stdout}`)
    },
    async stop (timeout = 5000) {
      host.send({ type: 'stop', timeout })
      return withTimeout(host.exited, 'the host to exit')
    }
  }
  let pending = ''
  control.setEncoding('utf8')
  control.on('data', chunk => {
    pending += chunk
    let nl
    while ((nl = pending.indexOf('\n')) !== -1) {
      const msg = JSON.parse(pending.slice(0, nl))
      pending = pending.slice(nl + 1)
      host.messages.push(msg)
      emitter.emit('message', msg)
    }
  })
  control.on('error', () => {})
  child.stdout.setEncoding('utf8').on('data', d => { host.stdout += d })
  child.stderr.setEncoding('utf8').on('data', d => { host.stderr += d })
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return host
}

async function startReady (t, dir, init) {
  const host = startHost(t, dir)
  host.send(init)
  const ready = await host.next(m => m.type === 'ready' || m.type === 'failed', 'ready')
  assert.strictEqual(ready.type, 'ready', `expected ready, got ${JSON.stringify(ready)}; stderr: ${host.stderr}`)
  return { host, ready }
}

function request (socketPath, { method = 'GET', path: urlPath = '/', body, headers = {} } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, headers, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', d => { text += d })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  }), `a response from ${socketPath}${urlPath}`)
}

async function getJson (socketPath, urlPath = '/') {
  const res = await request(socketPath, { path: urlPath })
  assert.strictEqual(res.status, 200, res.body)
  return JSON.parse(res.body)
}

// --- Factory mode ----------------------------------------------------------------------------

test('build() returning an http.Server serves on the worker socket', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      exports.build = () => http.createServer((req, res) => res.end('server:' + req.url))
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host, ready } = await startReady(t, dir, init)
  assert.deepStrictEqual(ready, { type: 'ready', worker: 0, background: false })
  const res = await request(init.sockets[0], { path: '/hello' })
  assert.strictEqual(res.body, 'server:/hello')
  assert.deepStrictEqual(await host.stop(), { code: 0, signal: null })
})

test('build() returning a bare handler; globalThis.platformatic is set', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const { EventEmitter } = require('node:events')
      exports.build = () => (req, res) => {
        const p = globalThis.platformatic
        res.end(JSON.stringify({ ...p, events: p.events instanceof EventEmitter }))
      }
    `
  })
  const init = makeInit(dir, 'index.js', { logLevel: 'debug' })
  const { host } = await startReady(t, dir, init)
  assert.deepStrictEqual(await getJson(init.sockets[0]), {
    applicationId: 'api',
    workerId: 0,
    root: dir,
    isEntrypoint: false,
    basePath: null,
    logLevel: 'debug',
    events: true
  })
  assert.strictEqual((await host.stop()).code, 0)
})

test('async build() is awaited', async t => {
  const dir = makeApp(t, {
    'index.js': `
      exports.build = async () => {
        await new Promise(resolve => setImmediate(resolve))
        return (req, res) => res.end('async')
      }
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0])).body, 'async')
  assert.strictEqual((await host.stop()).code, 0)
})

test('create() is used as a factory', async t => {
  const dir = makeApp(t, {
    'index.js': 'exports.create = () => (req, res) => res.end("created")'
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0])).body, 'created')
  assert.strictEqual((await host.stop()).code, 0)
})

test('ESM (.mjs) build()', async t => {
  const dir = makeApp(t, {
    'index.mjs': `
      import { createServer } from 'node:http'
      export function build () { return createServer((req, res) => res.end('esm')) }
    `
  })
  const init = makeInit(dir, 'index.mjs')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0])).body, 'esm')
  assert.strictEqual((await host.stop()).code, 0)
})

test('Koa-like app (callback()) from build()', async t => {
  const dir = makeApp(t, {
    'index.js': 'exports.build = () => ({ callback: () => (req, res) => res.end("koa") })'
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0])).body, 'koa')
  assert.strictEqual((await host.stop()).code, 0)
})

test('Fastify-like app from build(): ready(), listen({ path }), close() on stop', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      exports.build = () => {
        const server = http.createServer((req, res) => res.end('fastify:' + req.url))
        return {
          [Symbol('fastify.state')]: {},
          server,
          isReady: false,
          async ready () { this.isReady = true },
          listen (opts) {
            if (!this.isReady) throw new Error('listen() before ready()')
            console.log('fastify-listen ' + JSON.stringify(opts))
            return new Promise((resolve, reject) => {
              server.once('error', reject)
              server.listen(opts, () => resolve())
            })
          },
          close () {
            console.log('fastify-close')
            return new Promise(resolve => server.close(resolve))
          }
        }
      }
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0], { path: '/f' })).body, 'fastify:/f')
  assert.ok(host.stdout.includes('fastify-listen ' + JSON.stringify({ path: init.sockets[0] })), host.stdout)
  assert.strictEqual((await host.stop()).code, 0)
  assert.match(host.stdout, /fastify-close/)
})

test('factory mode: the application\'s own later listen() is not captured', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      const metrics = http.createServer((req, res) => res.end('metrics'))
      exports.build = () => (req, res) => {
        metrics.listen(0, '127.0.0.1', () => res.end(String(metrics.address().port)))
      }
      exports.close = () => metrics.close()
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  const port = Number((await request(init.sockets[0])).body)
  assert.ok(port > 0)
  const res = await withTimeout(new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, agent: false }, r => {
      let text = ''
      r.on('data', d => { text += d })
      r.on('end', () => resolve(text))
    }).on('error', reject)
  }), 'the metrics server')
  assert.strictEqual(res, 'metrics')
  assert.strictEqual((await host.stop()).code, 0)
})

test('build() returning something unservable fails with a clear message', async t => {
  const dir = makeApp(t, { 'index.js': 'exports.build = () => 42' })
  const host = startHost(t, dir)
  host.send(makeInit(dir, 'index.js'))
  const failed = await host.next(m => m.type === 'failed', 'failed')
  assert.strictEqual(failed.message,
    'build() of application "api" returned a number; expected an http.Server, a request handler, or a Fastify/Koa/Express application')
  assert.strictEqual((await withTimeout(host.exited, 'exit')).code, 1)
})

test('a rejecting build() fails', async t => {
  const dir = makeApp(t, { 'index.js': 'exports.build = async () => { throw new Error("no db") }' })
  const host = startHost(t, dir)
  host.send(makeInit(dir, 'index.js'))
  const failed = await host.next(m => m.type === 'failed', 'failed')
  assert.strictEqual(failed.message, 'build() of application "api" failed: no db')
  assert.match(failed.stack, /no db/)
  assert.strictEqual((await withTimeout(host.exited, 'exit')).code, 1)
})

// --- Black box -------------------------------------------------------------------------------

function tcpPortIsClosed (port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1')
    socket.on('connect', () => { socket.destroy(); resolve(false) })
    socket.on('error', () => resolve(true))
  })
}

test('black box listen(3191, "127.0.0.1") is redirected to the worker socket', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      const server = http.createServer((req, res) => res.end(JSON.stringify({ url: req.url, address: server.address() })))
      server.on('listening', () => console.log('listening-event'))
      server.listen(3191, '127.0.0.1', () => console.log('listen-callback'))
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.ok(await tcpPortIsClosed(3191), 'nothing may listen on TCP 3191')
  assert.deepStrictEqual(await getJson(init.sockets[0], '/via-socket'), { url: '/via-socket', address: init.sockets[0] })
  await host.waitForOutput('listen-callback')
  await host.waitForOutput('listening-event')
  assert.strictEqual((await host.stop()).code, 0)
})

test('black box: only the first listen() is captured, a stale socket file is replaced', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      const main = http.createServer((req, res) => res.end(String(second.address().port)))
      const second = http.createServer()
      main.listen({ port: 3191 }, () => second.listen(0, '127.0.0.1'))
    `
  })
  const init = makeInit(dir, 'index.js')
  // Leave a stale socket file behind, as a killed previous run would.
  const killed = spawn(process.execPath, ['-e',
    `require('node:net').createServer().listen(${JSON.stringify(init.sockets[0])}, () => process.kill(process.pid, 'SIGKILL'))`])
  await once(killed, 'exit')
  assert.ok(fs.lstatSync(init.sockets[0]).isSocket())
  const { host } = await startReady(t, dir, init)
  const port = Number((await request(init.sockets[0])).body)
  assert.ok(port > 0 && port !== 3191)
  assert.strictEqual((await host.stop()).code, 0)
})

test('black box ESM package ("type": "module") with a deferred listen', async t => {
  const dir = makeApp(t, {
    'package.json': JSON.stringify({ type: 'module' }),
    'index.js': `
      import { createServer } from 'node:http'
      await new Promise(resolve => setTimeout(resolve, 20))
      setImmediate(() => createServer((req, res) => res.end('late')).listen(8080))
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  assert.strictEqual((await request(init.sockets[0])).body, 'late')
  assert.strictEqual((await host.stop()).code, 0)
})

test('entrypoint: server.address() returns publicAddress', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      const server = http.createServer((req, res) => res.end(JSON.stringify(server.address())))
      server.listen(3000)
    `
  })
  const publicAddress = { address: '127.0.0.1', family: 'IPv4', port: 3042 }
  const init = makeInit(dir, 'index.js', { entrypoint: true, publicAddress })
  const { host } = await startReady(t, dir, init)
  assert.deepStrictEqual(await getJson(init.sockets[0]), publicAddress)
  assert.strictEqual((await host.stop()).code, 0)
})

// --- Workers ---------------------------------------------------------------------------------

const THREAD_APP = `
  const { threadId } = require('node:worker_threads')
  exports.build = () => (req, res) => {
    if (req.url === '/crash') {
      res.end('crashing')
      setImmediate(() => { throw new Error('kaboom') })
      return
    }
    if (req.url === '/exit') {
      res.end('exiting')
      setImmediate(() => process.exit(3))
      return
    }
    res.end(JSON.stringify({ threadId, workerId: globalThis.platformatic.workerId }))
  }
`

test('workers: 3 runs three threads, each on its own socket', async t => {
  const dir = makeApp(t, { 'index.js': THREAD_APP })
  const init = makeInit(dir, 'index.js', { workers: 3 })
  const host = startHost(t, dir)
  host.send(init)
  const readies = await Promise.all([0, 1, 2].map(k => host.next(m => m.type === 'ready' && m.worker === k, `ready ${k}`)))
  assert.deepStrictEqual(readies.map(m => m.background), [false, false, false])
  assert.strictEqual(host.messages.filter(m => m.type === 'ready').length, 3)

  const answers = await Promise.all(init.sockets.map(socket => getJson(socket)))
  assert.deepStrictEqual(answers.map(a => a.workerId), [0, 1, 2])
  const threadIds = new Set(answers.map(a => a.threadId))
  assert.strictEqual(threadIds.size, 3)
  assert.ok(!threadIds.has(0), 'workers must not run on the main thread')
  assert.strictEqual((await host.stop()).code, 0)
})

test('a worker thread that crashes after ready gives workerExit; restartWorker brings it back', async t => {
  const dir = makeApp(t, { 'index.js': THREAD_APP })
  const init = makeInit(dir, 'index.js', { workers: 2 })
  const host = startHost(t, dir)
  host.send(init)
  await Promise.all([0, 1].map(k => host.next(m => m.type === 'ready' && m.worker === k, `ready ${k}`)))
  const before = await getJson(init.sockets[1])

  await request(init.sockets[1], { path: '/crash' })
  const exit = await host.next(m => m.type === 'workerExit', 'workerExit')
  assert.strictEqual(exit.worker, 1)
  assert.strictEqual(exit.code, 1)
  assert.match(exit.message, /kaboom/)
  assert.ok(host.messages.some(m => m.type === 'log' && m.worker === 1 && m.stream === 'stderr' && /kaboom/.test(m.line)))

  // The process and the other worker survive.
  assert.strictEqual((await getJson(init.sockets[0])).workerId, 0)

  const mark = host.messages.length
  host.send({ type: 'restartWorker', worker: 1 })
  await host.next(m => m.type === 'ready' && m.worker === 1, 'ready again', mark)
  const after = await getJson(init.sockets[1])
  assert.strictEqual(after.workerId, 1)
  assert.notStrictEqual(after.threadId, before.threadId)

  // process.exit() inside a thread is reported with its code.
  await request(init.sockets[0], { path: '/exit' })
  const exit0 = await host.next(m => m.type === 'workerExit' && m.worker === 0, 'workerExit 0')
  assert.strictEqual(exit0.code, 3)

  assert.strictEqual((await host.stop()).code, 0)
})

test('replaceWorker stops one worker thread, starts a new one and reports it ready; no workerExit', async t => {
  const dir = makeApp(t, {
    'index.js': THREAD_APP + `
      globalThis.platformatic.events.on('close', () => console.log('closed ' + globalThis.platformatic.workerId))`
  })
  const init = makeInit(dir, 'index.js', { workers: 2 })
  const host = startHost(t, dir)
  host.send(init)
  await Promise.all([0, 1].map(k => host.next(m => m.type === 'ready' && m.worker === k, `ready ${k}`)))
  const before = await Promise.all(init.sockets.map(socket => getJson(socket)))

  const mark = host.messages.length
  host.send({ type: 'replaceWorker', worker: 0, timeout: 5000 })
  await host.next(m => m.type === 'ready' && m.worker === 0, 'ready again', mark)
  const after = await Promise.all(init.sockets.map(socket => getJson(socket)))
  assert.strictEqual(after[0].workerId, 0)
  assert.notStrictEqual(after[0].threadId, before[0].threadId, 'worker 0 is a new thread')
  assert.strictEqual(after[1].threadId, before[1].threadId, 'worker 1 is untouched')
  const since = host.messages.slice(mark)
  assert.ok(since.some(m => m.type === 'log' && m.worker === 0 && m.line === 'closed 0'), 'stopped gracefully')
  assert.ok(!since.some(m => m.type === 'workerExit' || m.type === 'failed'), JSON.stringify(since))
  assert.strictEqual((await host.stop()).code, 0)
})

test('stdout and stderr of worker threads arrive as log messages', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const id = globalThis.platformatic.workerId
      console.log('hello from ' + id)
      process.stdout.write('partial ' + id + '\\nsecond ' + id + '\\n')
      console.error('oops ' + id)
      exports.build = () => (req, res) => res.end()
    `
  })
  const init = makeInit(dir, 'index.js', { workers: 2 })
  const host = startHost(t, dir)
  host.send(init)
  for (const k of [0, 1]) {
    for (const [stream, line] of [['stdout', `hello from ${k}`], ['stdout', `partial ${k}`], ['stdout', `second ${k}`], ['stderr', `oops ${k}`]]) {
      const msg = await host.next(m => m.type === 'log' && m.line === line, `log "${line}"`)
      assert.deepStrictEqual(msg, { type: 'log', worker: k, stream, line })
    }
  }
  assert.strictEqual(host.stdout, '', 'thread output must not go to fd 1')
  assert.strictEqual((await host.stop()).code, 0)
})

// --- Background and failures ------------------------------------------------------------------

test('background application (exports.hasServer = false)', async t => {
  const dir = makeApp(t, {
    'index.js': `
      exports.hasServer = false
      exports.build = () => { throw new Error('must not be called') }
    `
  })
  const init = makeInit(dir, 'index.js')
  const { host, ready } = await startReady(t, dir, init)
  assert.deepStrictEqual(ready, { type: 'ready', worker: 0, background: true })
  assert.ok(!fs.existsSync(init.sockets[0]), 'nothing listens for a background application')
  assert.strictEqual((await host.stop()).code, 0)
})

test('background application (init.hasServer = false) in worker threads', async t => {
  const dir = makeApp(t, { 'index.js': 'setInterval(() => {}, 1000)' })
  const init = makeInit(dir, 'index.js', { workers: 2, hasServer: false })
  const host = startHost(t, dir)
  host.send(init)
  for (const k of [0, 1]) {
    assert.strictEqual((await host.next(m => m.type === 'ready' && m.worker === k, `ready ${k}`)).background, true)
  }
  assert.strictEqual((await host.stop()).code, 0)
})

test('a module that throws at load gives failed and exit code 1', async t => {
  const dir = makeApp(t, { 'index.js': 'throw new Error("boom at load")' })
  const init = makeInit(dir, 'index.js')
  const host = startHost(t, dir)
  host.send(init)
  const failed = await host.next(m => m.type === 'failed', 'failed')
  assert.strictEqual(failed.worker, 0)
  assert.match(failed.message, /^Application "api" failed to load .*index\.js: boom at load$/)
  assert.match(failed.stack, /index\.js/)
  assert.strictEqual((await withTimeout(host.exited, 'exit')).code, 1)
})

test('an async crash before ready is a start failure', async t => {
  const dir = makeApp(t, { 'index.js': 'setImmediate(() => { throw new Error("late boom") })' })
  const host = startHost(t, dir)
  host.send(makeInit(dir, 'index.js'))
  const failed = await host.next(m => m.type === 'failed', 'failed')
  assert.strictEqual(failed.message, 'Application "api" crashed while starting: late boom')
  assert.match(failed.stack, /late boom/)
  assert.strictEqual((await withTimeout(host.exited, 'exit')).code, 1)
})

test('a worker thread that fails to load gives failed for that worker', async t => {
  const dir = makeApp(t, {
    'index.js': `
      if (globalThis.platformatic.workerId === 1) throw new Error('only worker 1')
      exports.build = () => (req, res) => res.end()
    `
  })
  const host = startHost(t, dir)
  host.send(makeInit(dir, 'index.js', { workers: 2 }))
  const failed = await host.next(m => m.type === 'failed', 'failed')
  assert.strictEqual(failed.worker, 1)
  assert.match(failed.message, /only worker 1/)
  await host.next(m => m.type === 'ready' && m.worker === 0, 'ready 0')
  assert.strictEqual((await host.stop()).code, 0)
})

// --- Mesh ------------------------------------------------------------------------------------

async function startFakeMesh (t, socketPath) {
  const seen = []
  let connections = 0
  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', d => { body += d })
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, host: req.headers.host, body, connection: req.socket.meshId, headers: req.headers })
      res.end(`mesh:${req.method} ${req.url}`)
    })
  })
  server.on('connection', socket => { socket.meshId = ++connections })
  server.listen(socketPath)
  await once(server, 'listening')
  t.after(() => new Promise(resolve => { server.close(resolve); server.closeAllConnections() }))
  return seen
}

// ESM code binds node:http's exports at import time, so it must see the routed versions too.
const ESM_GET = `
  import { get } from 'node:http'
  export default url => new Promise((resolve, reject) => {
    get(url, res => {
      let text = ''
      res.on('data', d => { text += d })
      res.on('end', () => resolve(text))
    }).on('error', reject)
  })
`

const MESH_APP = `
  const http = require('node:http')
  async function fetchText (url, init) { return (await fetch(url, init)).text() }
  function httpGet (url) {
    return new Promise((resolve, reject) => {
      http.get(url, res => {
        let text = ''
        res.on('data', d => { text += d })
        res.on('end', () => resolve(text))
      }).on('error', reject)
    })
  }
  const routes = {
    '/fetch': () => fetchText('http://B.plt.local/x?y=1', { method: 'POST', body: 'hi' }),
    '/fetch-thrice': async () => [
      await fetchText('http://a.plt.local/1'), await fetchText('http://a.plt.local/2'), await fetchText('http://a.plt.local/3')],
    '/get': () => httpGet('http://b.plt.local/z'),
    '/request-options': () => new Promise((resolve, reject) => {
      const req = http.request({ hostname: 'api.plt.local', path: '/opts', method: 'PUT' }, res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      })
      req.on('error', reject)
      req.end('x')
    }),
    '/nope': () => fetch('http://nope.plt.local/').then(
      () => ({ resolved: true }),
      err => ({ name: err.name, message: err.message, cause: err.cause?.message })),
    '/esm-get': async () => (await import('./esm-get.mjs')).default('http://b.plt.local/esm'),
    '/outside': () => fetchText(process.env.OUTSIDE_URL),
    '/undici-loaded': async () => globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined
  }
  exports.build = () => (req, res) => {
    const url = new URL(req.url, 'http://x')
    if (url.pathname === '/outside') process.env.OUTSIDE_URL = url.searchParams.get('to')
    routes[url.pathname]().then(
      value => res.end(JSON.stringify(value)),
      err => { res.statusCode = 500; res.end(String(err?.stack ?? err)) })
  }
`

for (const workers of [1, 2]) {
  test(`mesh: fetch and http.request to *.plt.local go over the mesh socket (workers: ${workers})`, async t => {
    const dir = makeApp(t, { 'index.js': MESH_APP, 'esm-get.mjs': ESM_GET })
    const init = makeInit(dir, 'index.js', { workers })
    const seen = await startFakeMesh(t, init.meshSocket)
    const host = startHost(t, dir)
    host.send(init)
    await host.next(m => m.type === 'ready' && m.worker === workers - 1, 'ready')
    const socket = init.sockets[workers - 1]

    // undici (10 MB) is loaded by the first fetch(), not at start.
    assert.strictEqual(await getJson(socket, '/undici-loaded'), false)
    assert.strictEqual(await getJson(socket, '/fetch'), 'mesh:POST /x?y=1')
    assert.strictEqual(await getJson(socket, '/undici-loaded'), true)
    const post = seen.pop()
    assert.deepStrictEqual([post.method, post.url, post.host, post.body], ['POST', '/x?y=1', 'b.plt.local', 'hi'])

    assert.strictEqual(await getJson(socket, '/get'), 'mesh:GET /z')
    const get = seen.pop()
    assert.deepStrictEqual([get.method, get.url, get.host], ['GET', '/z', 'b.plt.local'])

    assert.strictEqual(await getJson(socket, '/esm-get'), 'mesh:GET /esm')
    assert.strictEqual(seen.pop().host, 'b.plt.local')

    assert.strictEqual(await getJson(socket, '/request-options'), 200)
    const put = seen.pop()
    assert.deepStrictEqual([put.method, put.url, put.host, put.body], ['PUT', '/opts', 'api.plt.local', 'x'])

    // fetch keeps its mesh connections alive (undici may open a second one while the first is
    // being released, but it must reuse them).
    assert.deepStrictEqual(await getJson(socket, '/fetch-thrice'), ['mesh:GET /1', 'mesh:GET /2', 'mesh:GET /3'])
    assert.ok(new Set(seen.splice(0).map(r => r.connection)).size < 3, 'mesh connections are reused')

    const nope = await getJson(socket, '/nope')
    assert.strictEqual(nope.name, 'TypeError')
    assert.strictEqual(nope.message, 'fetch failed')
    assert.match(nope.cause, /^No target found for nope\.plt\.local in thread \d+\.$/)
    if (workers > 1) assert.doesNotMatch(nope.cause, / thread 0\.$/)
    assert.strictEqual(seen.length, 0)

    // Anything else goes out unchanged.
    const outside = http.createServer((req, res) => res.end('outside:' + req.headers.host))
    outside.listen(0, '127.0.0.1')
    await once(outside, 'listening')
    t.after(() => { outside.closeAllConnections(); outside.close() })
    const target = `http://127.0.0.1:${outside.address().port}/`
    assert.strictEqual(await getJson(socket, `/outside?to=${encodeURIComponent(target)}`), `outside:127.0.0.1:${outside.address().port}`)

    assert.strictEqual((await host.stop()).code, 0)
  })
}

const CORRELATED_APP = `
  const http = require('node:http')
  const later = () => new Promise(resolve => setTimeout(resolve, 5))
  function httpGet (url) {
    return new Promise((resolve, reject) => {
      http.get(url, { headers: { 'x-own': '1' } }, res => { res.resume(); res.on('end', resolve) }).on('error', reject)
    })
  }
  exports.build = () => async (req, res) => {
    await later()  // the context must survive awaits
    await (await fetch('http://b.plt.local/f', { headers: { accept: 'text/plain' } })).text()
    await httpGet('http://b.plt.local/g')
    await (await fetch('http://b.plt.local/own', { headers: { 'x-request-id': 'mine' } })).text()
    res.end('ok')
  }
`

for (const telemetry of [true, false]) {
  test(`mesh requests carry the served request's traceparent and x-request-id (telemetry: ${telemetry})`, async t => {
    const dir = makeApp(t, { 'index.js': CORRELATED_APP })
    const init = { ...makeInit(dir, 'index.js'), telemetry }
    const seen = await startFakeMesh(t, init.meshSocket)
    const { host } = await startReady(t, dir, init)
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const served = await Promise.all(['r1', 'r2'].map(id =>
      request(init.sockets[0], { path: '/' + id, headers: { traceparent, 'x-request-id': id } })))
    assert.deepStrictEqual(served.map(r => r.status), [200, 200])
    assert.strictEqual(seen.length, 6)
    for (const r of seen) {
      assert.strictEqual(r.headers.traceparent, telemetry ? traceparent : undefined, JSON.stringify(r))
      if (r.url === '/own') assert.strictEqual(r.headers['x-request-id'], 'mine')
      else if (!telemetry) assert.strictEqual(r.headers['x-request-id'], undefined)
    }
    if (telemetry) {
      // Two concurrent requests: each hop carries the id of the request it was made for.
      const ids = seen.filter(r => r.url !== '/own').map(r => r.headers['x-request-id']).sort()
      assert.deepStrictEqual(ids, ['r1', 'r1', 'r2', 'r2'])
      assert.strictEqual(seen.find(r => r.url === '/g').headers['x-own'], '1')
      assert.strictEqual(seen.find(r => r.url === '/f').headers.accept, 'text/plain')
    }
    assert.strictEqual((await host.stop()).code, 0)
  })
}

// --- Stop ------------------------------------------------------------------------------------

const SLOW_APP = `
  const http = require('node:http')
  globalThis.platformatic.events.on('close', () => console.log('event-close'))
  exports.close = () => console.log('module-close')
  const server = http.createServer((req, res) => {
    if (req.url === '/never') { console.log('never-start'); return }
    console.log('slow-start')
    setTimeout(() => res.end('slow-done'), 300)
  })
  server.listen(4000)
`

test('stop lets an in-flight request finish, then exits 0', async t => {
  const dir = makeApp(t, { 'index.js': SLOW_APP })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)

  // A keep-alive client, so the connection would otherwise linger after the response.
  const agent = new http.Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const response = new Promise((resolve, reject) => {
    http.get({ socketPath: init.sockets[0], path: '/slow', agent }, res => {
      let text = ''
      res.on('data', d => { text += d })
      res.on('end', () => resolve(text))
    }).on('error', reject)
  })
  await host.waitForOutput('slow-start')
  const started = Date.now()
  host.send({ type: 'stop', timeout: 5000 })
  assert.strictEqual(await withTimeout(response, 'the slow response'), 'slow-done')
  const { code } = await withTimeout(host.exited, 'exit')
  assert.strictEqual(code, 0)
  assert.ok(Date.now() - started < 3000, 'keep-alive connections must not delay the exit')
  assert.match(host.stdout, /module-close\nevent-close\n/)
})

test('stop exits 0 after its timeout when a request never completes', async t => {
  const dir = makeApp(t, { 'index.js': SLOW_APP })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  const pending = http.get({ socketPath: init.sockets[0], path: '/never', agent: false })
  pending.on('error', () => {})
  await host.waitForOutput('never-start')
  const started = Date.now()
  assert.strictEqual((await host.stop(300)).code, 0)
  assert.ok(Date.now() - started < 3000)
})

test('EOF on fd 3 stops the host', async t => {
  const dir = makeApp(t, { 'index.js': SLOW_APP })
  const init = makeInit(dir, 'index.js')
  const { host } = await startReady(t, dir, init)
  host.control.end()
  assert.strictEqual((await withTimeout(host.exited, 'exit')).code, 0)
  assert.match(host.stdout, /module-close/)
})

test('stop with worker threads closes every worker', async t => {
  const dir = makeApp(t, {
    'index.js': `
      globalThis.platformatic.events.on('close', () => console.log('closed ' + globalThis.platformatic.workerId))
      exports.build = () => (req, res) => res.end()
    `
  })
  const init = makeInit(dir, 'index.js', { workers: 2 })
  const host = startHost(t, dir)
  host.send(init)
  await Promise.all([0, 1].map(k => host.next(m => m.type === 'ready' && m.worker === k, `ready ${k}`)))
  assert.strictEqual((await host.stop()).code, 0)
  for (const k of [0, 1]) {
    assert.ok(host.messages.some(m => m.type === 'log' && m.worker === k && m.line === `closed ${k}`), `worker ${k} closed`)
  }
})

// --- Metrics ---------------------------------------------------------------------------------

function assertMetricsSample (m) {
  assert.ok(m.elu >= 0 && m.elu <= 1, `elu out of range: ${JSON.stringify(m)}`)
  assert.ok(m.heapUsed > 0 && m.heapTotal >= m.heapUsed, `heap: ${JSON.stringify(m)}`)
  for (const k of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) {
    assert.strictEqual(typeof m.lag[k], 'number', `lag.${k}: ${JSON.stringify(m)}`)
    assert.ok(m.lag[k] >= 0 && m.lag[k] < 60, `lag.${k}: ${JSON.stringify(m)}`)
  }
  assert.ok(m.lag.min <= m.lag.max, JSON.stringify(m))
}

test('metrics: true in init: every worker thread reports its event loop and heap', async t => {
  const dir = makeApp(t, { 'index.js': THREAD_APP })
  const init = makeInit(dir, 'index.js', { workers: 2, metrics: true })
  const host = startHost(t, dir)
  host.send(init)
  const samples = await Promise.all([0, 1].map(k => host.next(m => m.type === 'metrics' && m.worker === k, `metrics of worker ${k}`)))
  samples.forEach(assertMetricsSample)
  assert.strictEqual((await host.stop()).code, 0)
})

test('metrics: true in init with one worker on the main thread', async t => {
  const dir = makeApp(t, {
    'index.js': `
      const http = require('node:http')
      exports.build = () => http.createServer((req, res) => res.end('ok'))
    `
  })
  const init = makeInit(dir, 'index.js', { metrics: true })
  const { host } = await startReady(t, dir, init)
  const sample = await host.next(m => m.type === 'metrics', 'a metrics message')
  assert.strictEqual(sample.worker, 0)
  assertMetricsSample(sample)
  assert.strictEqual((await host.stop()).code, 0)
})
