// A black-box node:http app: it calls listen() itself, and Watt serves it. It reaches the api
// application and the catalog database over the mesh with plain fetch() calls to
// http://api.plt.local and http://catalog.plt.local.
const http = require('node:http')

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://frontend.plt.local')
  const name = url.searchParams.get('name') || 'world'
  try {
    const answer = await fetch(`http://api.plt.local/hello?name=${encodeURIComponent(name)}`)
    const body = await answer.json()
    const movies = await (await fetch('http://catalog.plt.local/movies?orderby.year=desc&limit=3')).json()
    const items = movies.map(m => `<li>${m.title} (${m.year})</li>`).join('')
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><title>Watt example</title>
<h1>${body.message}</h1>
<p>Answered by the <code>${body.application}</code> application, worker ${body.worker},
through the mesh (<code>http://api.plt.local</code>).</p>
<h2>Latest movies</h2>
<ul>${items}</ul>
<p>From the <code>catalog</code> database application (SQLite, migrations applied at start).</p>
<p>Try <a href="/api/hello?name=Watt">/api/hello?name=Watt</a> for the API through the gateway,
<a href="/catalog/movies?orderby.year=asc">/catalog/movies</a> for the generated REST API,
<a href="/catalog/documentation/json">/catalog/documentation/json</a> for its OpenAPI document,
and <a href="/catalog/graphiql">/catalog/graphiql</a> for GraphQL.</p>`)
  } catch (err) {
    res.statusCode = 502
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ error: err.message }))
  }
})

server.listen(3000)
