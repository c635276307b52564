/* Deferred answers (see srv_resp_defer in server.h): the connection is
 * suspended by the handler's thread and resumed by the thread that wrote
 * the answer; on_access then runs the rest of the phases. */
#include "srv_internal.h"

void srv_resp_defer(srv_req *r)
{
    r->deferred = true;
    MHD_suspend_connection(r->conn);
}

void srv_resp_finish(srv_req *r)
{
    MHD_resume_connection(r->conn);
}

srv *srv_req_server(const srv_req *r)
{
    return r->server;
}
