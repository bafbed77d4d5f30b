// Scenario 3: one mesh hop. Each request fetches a movie from the db application over the
// Watt mesh (http://db.plt.local) and answers its body.
const http = require('node:http')

module.exports.build = function build () {
  return http.createServer(async (req, res) => {
    try {
      const r = await fetch('http://db.plt.local/movies/1')
      const text = await r.text()
      res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: err.message }))
    }
  })
}
