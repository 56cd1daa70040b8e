"""Clients written elsewhere against the bridge's /sparql: rdflib's SPARQLStore,
SPARQLWrapper, and rdflib.Graph().parse of one graph fetched with the token in
a header (never in the URL). Prints one JSON object of what each saw.

usage: python3 _python_clients.py URL TOKEN WORMS_IRI CSV_TYPE NOTES_GRAPH
"""
import json
import sys
import urllib.request

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, TURTLE, CSV, SPARQLWrapper, POST

url, token, worms, csv_type, notes = sys.argv[1:6]
endpoint = url + "/sparql"
auth = {"Authorization": "Bearer " + token}
out = {}

# rdflib's SPARQLStore: SELECT, ASK, CONSTRUCT through a Graph over the store.
store = SPARQLStore(endpoint, headers=dict(auth), returnFormat="xml")
graph = rdflib.ConjunctiveGraph(store=store)
rows = graph.query(
    "SELECT ?ds ?file WHERE { ?ds a <%s> ; "
    "<http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name> ?file } ORDER BY ?file"
    % csv_type
)
out["rdflib_select"] = [[str(r[0]), str(r[1])] for r in rows]
out["rdflib_ask"] = bool(graph.query("ASK { <%s> a <%s> }" % (worms, csv_type)).askAnswer)
built = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { <%s> ?p ?o . BIND(<%s> AS ?s) }" % (worms, worms))
out["rdflib_construct"] = sorted(str(o) for _, _, o in built.graph)
# The store as a plain rdflib graph: a triple pattern goes out as a SPARQL query.
out["rdflib_triples"] = sorted(
    str(o) for o in graph.objects(rdflib.URIRef(worms),
                                   rdflib.URIRef("http://schema.openworm.org/2020/07/CSVDataSource/csv_file_name"))
)

# SPARQLWrapper with the token in a custom header, each return format.
def wrapper(query, fmt, method=None):
    sw = SPARQLWrapper(endpoint)
    sw.addCustomHttpHeader("Authorization", "Bearer " + token)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    return sw.query().convert()

count = "SELECT (COUNT(?ds) AS ?n) WHERE { ?ds a <%s> }" % csv_type
out["wrapper_json"] = wrapper(count, JSON)["results"]["bindings"][0]["n"]["value"]
out["wrapper_json_post"] = wrapper(count, JSON, POST)["results"]["bindings"][0]["n"]["value"]
xml = wrapper(count, XML)
out["wrapper_xml"] = xml.getElementsByTagName("literal")[0].firstChild.data
out["wrapper_csv"] = wrapper(count, CSV).decode("utf-8").split()
out["wrapper_ask"] = wrapper("ASK { <%s> ?p ?o }" % worms, JSON)["boolean"]
turtle = wrapper("DESCRIBE <%s>" % worms, TURTLE)
described = rdflib.Graph().parse(data=turtle, format="turtle")
out["wrapper_describe"] = len(described)
try:
    sw = SPARQLWrapper(endpoint)  # no token
    sw.setQuery(count)
    sw.setReturnFormat(JSON)
    sw.query()
    out["wrapper_no_token"] = "answered"
except Exception as error:  # SPARQLWrapper raises its own or urllib's error
    out["wrapper_no_token"] = type(error).__name__ + ": " + str(error)[:200]

# The Graph Store Protocol's read of one graph, token in a header.
request = urllib.request.Request(
    url + "/rdf-graph-store?graph=" + urllib.parse.quote(notes, safe=""),
    headers={**auth, "Accept": "text/turtle"},
)
with urllib.request.urlopen(request) as answer:
    kind = answer.headers.get("Content-Type")
    data = answer.read().decode("utf-8")
notes_graph = rdflib.Graph().parse(data=data, format="turtle")
out["gsp_type"] = kind
out["gsp_literals"] = sorted(str(o) for o in notes_graph.objects() if isinstance(o, rdflib.Literal))

print(json.dumps(out))
