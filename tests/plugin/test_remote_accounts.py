"""--mls-url with --mls-allow-writes: API clients, profiles, vertices and edges a test creates
(with the clients or `mls_factory`) are deleted after it, edges before their vertices."""

WRITER = '''
    def test_writes(mls_client_client, mls_profile_client, mls_vertex_client, mls_edge_client, mls_factory):
        mls_client_client.create_client(name="reco_app")
        mls_profile_client.create_profile(profile_id="reco_user", tables=["user-profile"])
        user = mls_vertex_client.create_vertex(label="User")
        mls_vertex_client.create_vertex(label="Item")
        mls_edge_client.create_edge(label="bought", frm="User", to="Item")
        edge = mls_factory.edge(frm=user)  # POSTs a vertex for its other end, then the edge
        assert mls_factory.profile().user == "suite-user"  # to the singular path
        assert mls_factory.client().user == "suite-user"
        assert mls_edge_client.get_edge(id=edge.id).frm == "User"
'''


def test_what_a_test_created_is_deleted_after_it_edges_first(run, standalone):
    result = run(WRITER, "--mls-url", standalone.url, "--mls-username", "suite-user", "--mls-password", "pw",
                 "--mls-allow-writes")

    result.assert_outcomes(passed=1)
    assert set(standalone.store.counts().values()) == {0}
    deletes = [c.path for c in standalone.journal if c.method == "DELETE"]
    assert deletes == ["/api/v1/clients/2", "/api/v1/clients/1", "/api/v1/profile/2", "/api/v1/profile/1",
                       "/api/v1/edges/2", "/api/v1/edges/1",
                       "/api/v1/vertices/3", "/api/v1/vertices/2", "/api/v1/vertices/1"]
