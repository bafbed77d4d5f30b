// A plain node:http API. Watt calls build() and serves the returned server; each of the two
// workers (watt.json "workers") runs it in its own thread.
const http = require('node:http')

module.exports.build = function build () {
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://api.plt.local')
    if (url.pathname === '/hello') {
      const name = url.searchParams.get('name') || 'world'
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({
        message: `${process.env.GREETING} ${name}!`,
        application: globalThis.platformatic.applicationId,
        worker: globalThis.platformatic.workerId
      }))
      return
    }
    res.statusCode = 404
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ error: 'not found', path: url.pathname }))
  })
}
