// Scenario 1 (and 4): a plain node:http application answering a small JSON body.
const http = require('node:http')

const body = JSON.stringify({ hello: 'world', ok: true })

module.exports.build = function build () {
  return http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
}
