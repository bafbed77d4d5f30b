'use strict'
// Node application host for the native Watt runtime: runs one application in this process (one
// worker per thread), serves each worker's HTTP on the Unix socket the runtime assigned, routes
// *.plt.local traffic to the mesh socket and speaks the fd 3 protocol described in js/PROTOCOL.md.

const { AsyncLocalStorage } = require('node:async_hooks')
const { EventEmitter } = require('node:events')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const path = require('node:path')
const readline = require('node:readline')
const { syncBuiltinESMExports } = require('node:module')
const { pathToFileURL, urlToHttpOptions } = require('node:url')
const { Worker, isMainThread, parentPort, workerData, threadId } = require('node:worker_threads')

const CONTROL_FD = 3
const METRICS_INTERVAL = 1000
const DEFAULT_STOP_TIMEOUT = 10000
const MESH_SUFFIX = '.plt.local'
const UNDICI_DISPATCHER = Symbol.for('undici.globalDispatcher.1')
const SERVABLE = 'an http.Server, a request handler, or a Fastify/Koa/Express application'

// With telemetry on (`init.telemetry`), the request id and trace context of the request being
// served: { requestId, traceparent }, added to the application's own mesh requests. Per thread.
let correlation = null

// ---------------------------------------------------------------------------------------------
// Process side: control channel and worker orchestration (runs on the main thread).

function main () {
  let init = null
  let workers = null
  let stopping = false

  const control = openControlChannel(handleMessage, () => stop(DEFAULT_STOP_TIMEOUT))

  function handleMessage (msg) {
    if (msg.type === 'init' && !init) {
      init = msg
      workers = startWorkers(init, control)
    } else if (msg.type === 'stop') {
      stop(msg.timeout)
    } else if (msg.type === 'restartWorker' && workers && !stopping) {
      workers.restart(msg.worker)
    } else if (msg.type === 'replaceWorker' && workers && !stopping) {
      workers.replace(msg.worker, msg.timeout)
    }
  }

  async function stop (timeout) {
    if (stopping) return
    stopping = true
    const limit = Number.isFinite(timeout) && timeout >= 0 ? timeout : DEFAULT_STOP_TIMEOUT
    setTimeout(() => process.exit(0), limit)
    if (workers) await workers.stop().catch(() => {})
    process.exit(0)
  }
}

function startWorkers (init, control) {
  const problem = validateInit(init)
  if (problem) {
    control.send({ type: 'failed', worker: 0, message: problem, stack: '' }).then(() => process.exit(1))
    return null
  }
  return init.workers === 1 ? runOnMainThread(init, control) : runOnThreads(init, control)
}

function validateInit (init) {
  const id = init.applicationId
  if (!Number.isInteger(init.workers) || init.workers < 1) {
    const got = JSON.stringify(init.workers)
    return `Invalid init for application "${id}": workers must be a positive integer, got ${got}`
  }
  if (!Array.isArray(init.sockets) || init.sockets.length < init.workers) {
    return `Invalid init for application "${id}": expected ${init.workers} socket path(s) in "sockets"`
  }
  if (typeof init.entry !== 'string') {
    return `Invalid init for application "${id}": "entry" must be a path`
  }
  return null
}

// Newline-delimited JSON over the socketpair on fd 3.
function openControlChannel (onMessage, onClose) {
  const socket = new net.Socket({ fd: CONTROL_FD, readable: true, writable: true })
  socket.setEncoding('utf8')

  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    onClose()
  }

  let pending = ''
  socket.on('data', chunk => {
    pending += chunk
    let newline
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim()
      pending = pending.slice(newline + 1)
      if (line) dispatchLine(line)
    }
  })
  socket.on('end', close)
  socket.on('close', close)
  socket.on('error', close)

  function dispatchLine (line) {
    let msg
    try {
      msg = JSON.parse(line)
    } catch (err) {
      process.stderr.write(`[watt host] ignoring malformed control message: ${err.message}\n`)
      return
    }
    if (msg && typeof msg === 'object') onMessage(msg)
  }

  // Resolves once the message has been handed to the kernel, so callers can exit right after.
  function send (msg) {
    if (socket.destroyed || !socket.writable) return Promise.resolve()
    return new Promise(resolve => socket.write(JSON.stringify(msg) + '\n', () => resolve()))
  }

  return { send }
}

// workers == 1: worker 0 runs right here, so the application shares the process.
function runOnMainThread (init, control) {
  const app = new ApplicationWorker(init, 0)

  const failStartup = async err => {
    await control.send({ type: 'failed', worker: 0, ...describeError(err) })
    process.exit(1)
  }
  // Until the worker is ready an async crash is a start failure; afterwards it crashes the process.
  const crashStartup = err =>
    failStartup(startError(`Application "${init.applicationId}" crashed while starting: ${errorMessage(err)}`, err))
  process.on('uncaughtException', crashStartup)

  app.start().then(({ background }) => {
    process.off('uncaughtException', crashStartup)
    control.send({ type: 'ready', worker: 0, background })
  }, failStartup)
  if (init.metrics) startMetricsSampler(sample => control.send({ ...sample, worker: 0 }))

  return {
    stop: () => app.stop(),
    restart: () => {},
    replace: () => {} // one worker: the runtime restarts the whole process instead
  }
}

// workers > 1: every worker gets its own thread, so a thread crash only takes that worker down.
function runOnThreads (init, control) {
  const threads = []
  for (let index = 0; index < init.workers; index++) threads[index] = startThread(init, index, control)

  return {
    stop: () => Promise.all(threads.map(stopThread)),
    restart (index) {
      if (!Number.isInteger(index) || index < 0 || index >= init.workers) return
      if (threads[index].running) return
      threads[index] = startThread(init, index, control)
    },
    // An unhealthy worker: stopped gracefully (terminated after `timeout` ms), then started
    // again; the new thread reports `ready` as any worker does.
    async replace (index, timeout) {
      if (!Number.isInteger(index) || index < 0 || index >= init.workers) return
      const thread = threads[index]
      if (!thread.running || thread.stopping) return
      const limit = Number.isFinite(timeout) && timeout >= 0 ? timeout : DEFAULT_STOP_TIMEOUT
      const timer = setTimeout(() => thread.worker.terminate(), limit)
      await stopThread(thread)
      clearTimeout(timer)
      if (threads[index] === thread) threads[index] = startThread(init, index, control)
    }
  }
}

function startThread (init, index, control) {
  const worker = new Worker(__filename, { workerData: { init, index }, stdout: true, stderr: true })
  const thread = { worker, running: true, ready: false, failed: false, stopping: false, error: null }
  thread.exited = new Promise(resolve => worker.once('exit', resolve))

  forwardLines(worker.stdout, line => control.send({ type: 'log', worker: index, stream: 'stdout', line }))
  forwardLines(worker.stderr, line => control.send({ type: 'log', worker: index, stream: 'stderr', line }))

  worker.on('message', msg => {
    if (msg?.type === 'ready') {
      thread.ready = true
      control.send({ type: 'ready', worker: index, background: msg.background })
    } else if (msg?.type === 'metrics') {
      control.send({ ...msg, worker: index })
    } else if (msg?.type === 'failed') {
      thread.failed = true
      control.send({ type: 'failed', worker: index, message: msg.message, stack: msg.stack })
      worker.terminate()
    }
  })

  // Listening to 'error' is what keeps an uncaught exception in the thread from killing the process.
  worker.on('error', err => {
    thread.error = err
    for (const line of String(err?.stack ?? err).split('\n')) {
      control.send({ type: 'log', worker: index, stream: 'stderr', line })
    }
  })

  worker.on('exit', code => {
    thread.running = false
    if (thread.stopping || thread.failed) return
    const who = `Worker ${index} of application "${init.applicationId}"`
    const what = thread.error ? 'crashed' : `exited with code ${code}`
    const detail = thread.error ? `: ${errorMessage(thread.error)}` : ''
    if (thread.ready) {
      control.send({ type: 'workerExit', worker: index, code, message: `${who} ${what}${detail}` })
    } else {
      const message = `${who} ${what} before it was ready${detail}`
      control.send({ type: 'failed', worker: index, message, stack: thread.error?.stack ?? '' })
    }
  })

  return thread
}

async function stopThread (thread) {
  if (!thread.running) return
  thread.stopping = true
  thread.worker.postMessage({ type: 'stop' })
  await thread.exited
}

function forwardLines (stream, onLine) {
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine)
}

// Entry point of a worker thread (workers > 1).
function threadMain () {
  const { init, index } = workerData
  const app = new ApplicationWorker(init, index)

  parentPort.on('message', msg => {
    if (msg?.type === 'stop') app.stop().finally(() => process.exit(0))
  })

  app.start().then(
    ({ background }) => parentPort.postMessage({ type: 'ready', background }),
    err => parentPort.postMessage({ type: 'failed', ...describeError(err) })
  )
  if (init.metrics) startMetricsSampler(sample => parentPort.postMessage(sample))
}

// Metrics of the current thread (its event loop and V8 heap), every METRICS_INTERVAL ms while
// the runtime has metrics on: the `metrics` message of js/PROTOCOL.md. The timer does not keep
// the thread alive.
function startMetricsSampler (report) {
  const { performance, monitorEventLoopDelay } = require('node:perf_hooks')
  const v8 = require('node:v8')
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  let last = performance.eventLoopUtilization()
  const seconds = ns => (Number.isFinite(ns) ? ns / 1e9 : 0)
  const timer = setInterval(async () => {
    const now = performance.eventLoopUtilization()
    const elu = performance.eventLoopUtilization(now, last).utilization
    last = now
    const heap = v8.getHeapStatistics()
    const sample = {
      type: 'metrics',
      elu,
      heapUsed: heap.used_heap_size,
      heapTotal: heap.total_heap_size,
      lag: {
        min: seconds(delay.min),
        max: seconds(delay.max),
        mean: seconds(delay.mean),
        stddev: seconds(delay.stddev),
        p50: seconds(delay.percentile(50)),
        p90: seconds(delay.percentile(90)),
        p99: seconds(delay.percentile(99))
      }
    }
    delay.reset()
    if (customChecks.liveness) sample.liveness = await runCustomCheck(customChecks.liveness)
    if (customChecks.readiness) sample.readiness = await runCustomCheck(customChecks.readiness)
    report(sample)
  }, METRICS_INTERVAL)
  timer.unref()
}

// ---------------------------------------------------------------------------------------------
// Worker side: one instance of the application, on the current thread.

class ApplicationWorker {
  #init
  #index
  #socket
  #capture = null
  #namespace = {}
  #module = {}
  #server = null
  #fastify = null
  #responses = null
  #events = null

  constructor (init, index) {
    this.#init = init
    this.#index = index
    this.#socket = init.sockets[index]
  }

  get #id () {
    return this.#init.applicationId
  }

  async start () {
    const init = this.#init
    this.#events = installGlobals(init, this.#index)
    if (init.telemetry === true) correlation = new AsyncLocalStorage()
    if (init.meshSocket) {
      await installFetchMesh(init.meshSocket, init.meshApplications ?? [], init.root)
      installHttpMesh(init.meshSocket)
    }
    this.#capture = installListenCapture(this.#socket, init.publicAddress)
    if (init.hasServer === false) this.#capture.disarm()

    try {
      this.#namespace = (await loadEntry(init.entry)) ?? {}
    } catch (err) {
      throw startError(`Application "${this.#id}" failed to load ${init.entry}: ${errorMessage(err)}`, err)
    }
    this.#module = this.#namespace.default ?? this.#namespace

    if (init.hasServer === false || this.#export('hasServer') === false) {
      this.#capture.disarm()
      return { background: true }
    }

    const factory = ['build', 'create'].find(name => typeof this.#module[name] === 'function')
    if (!factory) return this.#serveCapturedListen()

    this.#capture.disarm()
    let app
    try {
      app = await this.#module[factory]()
    } catch (err) {
      throw startError(`${factory}() of application "${this.#id}" failed: ${errorMessage(err)}`, err)
    }
    if (app?.isBackgroundApplication === true) return { background: true }
    await this.#serveApp(app, factory)
    return { background: false }
  }

  // Black box: the application listens by itself; that listen() was redirected to our socket.
  async #serveCapturedListen () {
    const { server, listening } = await this.#capture.captured
    await this.#awaitListening(listening)
    this.#server = server
    this.#responses = trackResponses(server)
    return { background: false }
  }

  async #serveApp (app, factory) {
    if (isFastify(app)) {
      try {
        await app.ready()
      } catch (err) {
        throw startError(`Fastify application "${this.#id}" failed to become ready: ${errorMessage(err)}`, err)
      }
      this.#fastify = app
      this.#responses = trackResponses(app.server)
      try {
        await this.#capture.listenFastify(app)
      } catch (err) {
        throw this.#listenError(err)
      }
      return
    }

    const server = this.#toServer(app, factory)
    const captured = this.#capture.current
    if (captured?.server === server) {
      // The module's own listen() while loading was captured and build() handed that server back.
      await this.#awaitListening(captured.listening)
    } else {
      if (server.listening) {
        throw startError(`${factory}() of application "${this.#id}" returned a server that is already ` +
          'listening; return it without calling listen()')
      }
      await this.#awaitListening(this.#capture.listen(server))
    }
    this.#server = server
    this.#responses = trackResponses(server)
  }

  #toServer (app, factory) {
    if (app && typeof app.callback === 'function') return http.createServer(app.callback()) // Koa
    if (app instanceof net.Server) return app
    if (typeof app === 'function') return http.createServer(app) // bare handler or Express
    throw startError(`${factory}() of application "${this.#id}" returned ${describeValue(app)}; expected ${SERVABLE}`)
  }

  async #awaitListening (listening) {
    try {
      await listening
    } catch (err) {
      throw this.#listenError(err)
    }
  }

  #listenError (err) {
    return startError(`Application "${this.#id}" could not listen on ${this.#socket}: ${errorMessage(err)}`, err)
  }

  #export (name) {
    return this.#module?.[name] ?? this.#namespace?.[name]
  }

  async stop () {
    this.#capture?.disarm()
    this.#responses?.drain()
    if (this.#fastify) {
      await this.#attempt('closing the Fastify application', () => this.#fastify.close())
    } else if (this.#server) {
      await this.#attempt('closing the server', () => closeServer(this.#server))
    }
    const close = this.#export('close')
    if (typeof close === 'function') await this.#attempt('close()', () => close())
    await this.#attempt('the "close" event handler', () => this.#events?.emit('close'))
  }

  async #attempt (what, fn) {
    try {
      await fn()
    } catch (err) {
      console.error(`[watt host] ${what} of application "${this.#id}" failed:`, err)
    }
  }
}

function installGlobals (init, index) {
  const events = new EventEmitter()
  globalThis.platformatic = {
    applicationId: init.applicationId,
    workerId: index,
    root: init.root,
    isEntrypoint: init.entrypoint === true,
    basePath: null,
    logLevel: init.logLevel,
    events,
    // Watt's own checks of an application, for /status and /ready: a function returning (or
    // resolving to) a boolean or {status, body?, statusCode?}. Run with each metrics report.
    setCustomHealthCheck (fn) { customChecks.liveness = typeof fn === 'function' ? fn : null },
    setCustomReadinessCheck (fn) { customChecks.readiness = typeof fn === 'function' ? fn : null }
  }
  return events
}

// This thread's custom checks (set through globalThis.platformatic).
const customChecks = { liveness: null, readiness: null }

// The answer of one custom check for the `metrics` report: a boolean, or {status, body?,
// statusCode?}; a check that throws or takes longer than the report interval fails.
async function runCustomCheck (fn) {
  let timer
  try {
    const timeout = new Promise(resolve => { timer = setTimeout(() => resolve(false), METRICS_INTERVAL) })
    const result = await Promise.race([Promise.resolve().then(fn), timeout])
    if (typeof result === 'boolean') return result
    if (result && typeof result === 'object') {
      const out = { status: result.status === true }
      if (typeof result.body === 'string') out.body = result.body
      if (Number.isInteger(result.statusCode)) out.statusCode = result.statusCode
      return out
    }
    return false
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

// --- Loading --------------------------------------------------------------------------------

async function loadEntry (entry) {
  if (isEsmEntry(entry)) return import(pathToFileURL(entry).href)
  try {
    return require(entry)
  } catch (err) {
    // ERR_REQUIRE_ASYNC_MODULE: Node 22's require(esm) refuses modules with top-level await.
    if (err?.code === 'ERR_REQUIRE_ESM' || err?.code === 'ERR_REQUIRE_ASYNC_MODULE') {
      return import(pathToFileURL(entry).href)
    }
    throw err
  }
}

function isEsmEntry (entry) {
  const ext = path.extname(entry)
  if (ext === '.mjs') return true
  if (ext === '.cjs') return false
  return nearestPackageType(path.dirname(entry)) === 'module'
}

function nearestPackageType (dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(current, 'package.json'), 'utf8')).type
    } catch (err) {
      if (err.code !== 'ENOENT') return undefined
    }
    if (path.dirname(current) === current) return undefined
  }
}

function isFastify (app) {
  return app !== null && typeof app === 'object' &&
    Object.getOwnPropertySymbols(app).some(s => s.description === 'fastify.state')
}

// --- Listen capture -------------------------------------------------------------------------

// Redirects the application's first net.Server#listen() to the worker socket. Servers the host
// listens itself (factory mode, capture disarmed) go through the original listen().
function installListenCapture (socket, publicAddress) {
  const originalListen = net.Server.prototype.listen
  let armed = true
  let current = null
  let onCapture
  const captured = new Promise(resolve => { onCapture = resolve })

  function prepare (server) {
    if (correlation) installCorrelation(server)
    removeStaleSocket(socket)
    if (publicAddress) reportPublicAddress(server, publicAddress)
    // The runtime's connection pool is the only client of this socket: idle keep-alive
    // connections must not be closed under it (Node's default closes them after 5 s).
    server.keepAliveTimeout = 0
  }

  net.Server.prototype.listen = function listen (...args) {
    if (!armed) return originalListen.apply(this, args)
    armed = false
    // Every listen() form takes the callback last; port, host, backlog, path and handle are dropped.
    const callback = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined
    prepare(this)
    const listening = whenListening(this)
    listening.catch(() => {}) // reported by whoever awaits it; never an unhandled rejection
    current = { server: this, listening }
    onCapture(current)
    return originalListen.call(this, { path: socket }, callback)
  }

  return {
    captured,
    get current () { return current },
    disarm () { armed = false },
    listen (server) {
      prepare(server)
      const listening = whenListening(server)
      originalListen.call(server, { path: socket })
      return listening
    },
    async listenFastify (app) {
      prepare(app.server)
      await app.listen({ path: socket })
    }
  }
}

function whenListening (server) {
  return new Promise((resolve, reject) => {
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    const onError = err => {
      server.off('listening', onListening)
      reject(err)
    }
    server.once('listening', onListening)
    server.once('error', onError)
  })
}

function removeStaleSocket (socket) {
  try {
    if (fs.lstatSync(socket).isSocket()) fs.unlinkSync(socket)
  } catch {
    // Nothing there, or not ours to remove: listen() reports anything that matters.
  }
}

// The runtime owns the public port and forwards to our socket, so the app must see that address.
function reportPublicAddress (server, publicAddress) {
  server.address = function address () {
    return this.listening ? { ...publicAddress } : null
  }
}

// --- Graceful close -------------------------------------------------------------------------

// Tracks in-flight responses so that, once stopping, their keep-alive connections close as soon as
// each response is done instead of holding server.close() until keepAliveTimeout.
function trackResponses (server) {
  if (!(server instanceof http.Server) && typeof server?.closeIdleConnections !== 'function') return null
  const active = new Set()
  let draining = false

  server.prependListener('request', (req, res) => {
    active.add(res)
    res.once('close', () => active.delete(res))
    if (draining) closeConnectionAfter(res)
  })

  return {
    drain () {
      draining = true
      for (const res of active) closeConnectionAfter(res)
    }
  }
}

function closeConnectionAfter (res) {
  if (!res.headersSent) res.setHeader('connection', 'close')
  const socket = res.socket
  if (socket) res.once('finish', () => socket.end())
}

function closeServer (server) {
  if (!server.listening) return Promise.resolve()
  return new Promise(resolve => {
    server.close(() => resolve())
    server.closeIdleConnections?.()
  })
}

// --- Request correlation ---------------------------------------------------------------------

// Every request the server emits runs inside the correlation store, so that whatever the handler
// does later (awaits, timers, streams) still sees the request it serves.
function installCorrelation (server) {
  const emit = server.emit
  server.emit = function (event, req) {
    if (event !== 'request' || !req?.headers) return emit.apply(this, arguments)
    const context = { requestId: req.headers['x-request-id'], traceparent: req.headers.traceparent }
    return correlation.run(context, () => emit.apply(this, arguments))
  }
}

// The headers of an outgoing mesh request plus those of the request being served, unless the
// application set them itself. `headers`: undici's flat array or object, or http's object.
function withCorrelation (headers) {
  const context = correlation?.getStore()
  if (!context) return headers
  const extra = []
  if (context.traceparent) extra.push(['traceparent', context.traceparent])
  if (context.requestId) extra.push(['x-request-id', context.requestId])
  if (extra.length === 0) return headers
  if (headers == null) return Object.fromEntries(extra)
  if (Array.isArray(headers)) {
    const flat = Array.isArray(headers[0]) ? headers.flat() : headers
    const names = new Set()
    for (let i = 0; i < flat.length; i += 2) names.add(String(flat[i]).toLowerCase())
    const out = flat.slice()
    for (const [k, v] of extra) if (!names.has(k)) out.push(k, v)
    return out
  }
  if (typeof headers === 'object' && typeof headers[Symbol.iterator] !== 'function') {
    const names = new Set(Object.keys(headers).map(k => k.toLowerCase()))
    const out = { ...headers }
    for (const [k, v] of extra) if (!names.has(k)) out[k] = v
    return out
  }
  return headers
}

// --- Mesh -----------------------------------------------------------------------------------

function meshHostId (hostname) {
  if (typeof hostname !== 'string') return null
  const host = hostname.toLowerCase()
  return host.endsWith(MESH_SUFFIX) ? host.slice(0, -MESH_SUFFIX.length) : null
}

// Node's fetch dispatches through undici's global dispatcher, which only exists after a first
// fetch; it is replaced by a router that sends *.plt.local origins to the mesh socket.
// Loading undici costs about 10 MB per process, so it happens on the application's first
// fetch() — unless the application has its own `undici` package, which may use the global
// dispatcher without ever calling fetch(): then at start, before its code runs.
async function installFetchMesh (meshSocket, meshApplications, root) {
  if (typeof globalThis.fetch !== 'function') return
  if (hasOwnUndici(root)) return installFetchDispatcher(meshSocket, meshApplications)
  const originalFetch = globalThis.fetch
  let installed = null
  globalThis.fetch = function fetch (input, init) {
    installed ??= installFetchDispatcher(meshSocket, meshApplications, originalFetch)
    return installed.then(() => originalFetch(input, init))
  }
}

function hasOwnUndici (root) {
  try {
    require.resolve('undici', { paths: [root] })
    return true
  } catch {
    return false
  }
}

async function installFetchDispatcher (meshSocket, meshApplications, fetch = globalThis.fetch) {
  await fetch('data:,')
  const original = globalThis[UNDICI_DISPATCHER]
  if (!original || typeof original.dispatch !== 'function') {
    process.stderr.write('[watt host] undici global dispatcher not found: fetch() will not use the mesh\n')
    return
  }

  const Agent = original.constructor
  const mesh = new Agent({ connect: { socketPath: meshSocket } })
  const known = new Set(meshApplications.map(id => String(id).toLowerCase()))

  const router = Object.create(original)
  router.dispatch = function dispatch (opts, handler) {
    const origin = new URL(String(opts.origin))
    const id = origin.protocol === 'http:' ? meshHostId(origin.hostname) : null
    if (id === null) return original.dispatch(opts, handler)
    if (known.has(id)) return mesh.dispatch(correlation ? { ...opts, headers: withCorrelation(opts.headers) } : opts, handler)
    failDispatch(handler, new Error(`No target found for ${origin.hostname} in thread ${threadId}.`))
    return true
  }
  globalThis[UNDICI_DISPATCHER] = router
}

// fetch rejects with TypeError('fetch failed') whose cause is err. Newer undici handlers may only
// implement the controller-style callbacks, hence the fallback.
function failDispatch (handler, err) {
  if (typeof handler.onError === 'function') handler.onError(err)
  else handler.onResponseError?.(null, err)
}

function installHttpMesh (meshSocket) {
  const agent = new http.Agent({ keepAlive: true })
  for (const name of ['request', 'get']) {
    const original = http[name]
    http[name] = function (...args) {
      return original.apply(this, routeToMesh(args, meshSocket, agent))
    }
  }
  syncBuiltinESMExports() // so `import { request } from 'node:http'` sees the routed version
}

// Rewrites http.request()/http.get() arguments for *.plt.local targets into (options[, cb]) with
// socketPath set; any other call is returned untouched.
function routeToMesh (args, socketPath, agent) {
  const [first, second] = args
  let options
  let rest

  if (typeof first === 'string' || first instanceof URL) {
    let url
    try {
      url = typeof first === 'string' ? new URL(first) : first
    } catch {
      return args
    }
    const hasOptions = second !== null && typeof second === 'object'
    options = { ...urlToHttpOptions(url), ...(hasOptions ? second : {}) }
    rest = args.slice(hasOptions ? 2 : 1)
  } else if (first !== null && typeof first === 'object') {
    options = { ...first }
    rest = args.slice(1)
  } else {
    return args
  }

  if (options.protocol && options.protocol !== 'http:') return args
  if (meshHostId(options.hostname ?? options.host) === null) return args

  options.socketPath = socketPath
  if (options.agent === undefined) options.agent = agent
  if (correlation) options.headers = withCorrelation(options.headers)
  return [options, ...rest]
}

// --- Errors ---------------------------------------------------------------------------------

function startError (message, cause) {
  const err = new Error(message)
  if (cause?.stack) err.stack = cause.stack
  return err
}

function errorMessage (err) {
  return err instanceof Error || typeof err?.message === 'string' ? err.message : String(err)
}

function describeError (err) {
  return { message: errorMessage(err), stack: typeof err?.stack === 'string' ? err.stack : '' }
}

function describeValue (value) {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    const name = value.constructor?.name
    return name && name !== 'Object' ? `an object (${name})` : 'an object'
  }
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`
}

if (isMainThread) main()
else threadMain()
