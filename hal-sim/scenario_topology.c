/*
 * scenario_topology.c - the "topology" object of a scenario file: racks
 * of nodes behind top-of-rack routers joined by a spine (scenario.h
 * struct scn_topology, docs/scenarios.md). "nodes" still says what each
 * node is; the topology says where it stands, so the two must agree on
 * the node count.
 */
#include "scenario_priv.h"

#include <string.h>

#include "core/net.h"

/* The ratio of a rack's node links together to its uplink, at most. */
#define SCN_MAX_OVERSUBSCRIPTION 1000u

static const char *const scn_topology_keys[] = {
    "racks", "nodes_per_rack", "tor", "spine", "oversubscription", "pcap", NULL,
};
static const char *const scn_tier_keys[] = {"latency", "bandwidth", "loss", NULL};

/* "tor": the node links, i.e. the network defaults' latency, bandwidth
 * and loss. */
static int scn_parse_tor(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    struct scn_net_params *net = &p->s->net;
    if (jcheck_object(&p->jc, at, item, scn_tier_keys) < 0 ||
        scn_opt_duration(p, at, item, "latency", &net->latency_ns) < 0 ||
        scn_opt_bandwidth(p, at, item, "bandwidth", &net->bandwidth_bps) < 0)
        return -1;
    return scn_opt_probability(p, at, item, "loss", &net->loss_u32);
}

/* "spine": the ToR-spine links; *bandwidth_given says whether it set one. */
static int scn_parse_spine(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                           bool *bandwidth_given)
{
    struct scn_topology *t = &p->s->topology;
    if (jcheck_object(&p->jc, at, item, scn_tier_keys) < 0 ||
        scn_opt_duration(p, at, item, "latency", &t->spine_latency_ns) < 0 ||
        scn_opt_bandwidth(p, at, item, "bandwidth", &t->uplink_bps) < 0)
        return -1;
    *bandwidth_given = jcheck_member(item, "bandwidth") != NULL;
    return scn_opt_probability(p, at, item, "loss", &t->spine_loss_u32);
}

static int scn_parse_pcap_split(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    const char *text = cJSON_IsString(item) ? item->valuestring : "";
    if (strcmp(text, "rack") == 0)
        p->s->topology.pcap = SCN_PCAP_RACK;
    else if (strcmp(text, "link") == 0)
        p->s->topology.pcap = SCN_PCAP_LINK;
    else
        return jcheck_fail_type(&p->jc, at, "\"rack\" or \"link\"", item);
    return 0;
}

/* The uplink's bandwidth from "oversubscription" (a rack's node links
 * together carry that many times what its uplink does), unless "spine"
 * gave it outright. */
static int scn_derive_uplink(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                             bool bandwidth_given)
{
    struct scn_topology *t = &p->s->topology;
    uint64_t ratio = 1;
    if (jcheck_opt_uint(&p->jc, at, item, "oversubscription", "an integer from 1 to 1000", 1,
                        SCN_MAX_OVERSUBSCRIPTION, &ratio) < 0)
        return -1;
    _Static_assert(SCN_MAX_OVERSUBSCRIPTION == 1000u, "the message above names the limit");
    if (bandwidth_given) {
        if (jcheck_member(item, "oversubscription") == NULL)
            return 0;
        struct jpath sub = jpath_member(at, "oversubscription");
        return jcheck_fail(&p->jc, &sub, "give spine.bandwidth or oversubscription, not both");
    }
    /* Divide first, and saturate: any bandwidth is a valid one. */
    uint64_t per_node = p->s->net.bandwidth_bps / ratio;
    t->uplink_bps = per_node > UINT64_MAX / t->nodes_per_rack ? UINT64_MAX : per_node * t->nodes_per_rack;
    return 0;
}

/* "racks" and "nodes_per_rack", which must make up the scenario's nodes. */
static int scn_parse_rack_counts(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    struct scenario *s = p->s;
    const cJSON *v;
    uint64_t racks = 0, per_rack = 0;
    if (jcheck_required(&p->jc, at, item, "racks", &v) < 0 ||
        jcheck_opt_uint(&p->jc, at, item, "racks", "a positive integer", 1, SCN_MAX_NODES, &racks) < 0 ||
        jcheck_required(&p->jc, at, item, "nodes_per_rack", &v) < 0 ||
        jcheck_opt_uint(&p->jc, at, item, "nodes_per_rack", "a positive integer", 1, SCN_MAX_NODES,
                        &per_rack) < 0)
        return -1;
    if (per_rack > NET_RACK_MAX_NODES) {
        struct jpath sub = jpath_member(at, "nodes_per_rack");
        return jcheck_fail(&p->jc, &sub, "a rack is a /24 subnet: at most %u nodes, got %llu",
                           NET_RACK_MAX_NODES, (unsigned long long)per_rack);
    }
    if (racks * per_rack != s->node_count)
        return jcheck_fail(&p->jc, at, "%llu racks of %llu nodes make %llu nodes, but \"nodes\" has %u",
                           (unsigned long long)racks, (unsigned long long)per_rack,
                           (unsigned long long)(racks * per_rack), s->node_count);
    s->topology.racks = (uint32_t)racks;
    s->topology.nodes_per_rack = (uint32_t)per_rack;
    return 0;
}

int scn_parse_topology(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, scn_topology_keys) < 0 || scn_parse_rack_counts(p, at, item) < 0)
        return -1;
    if (p->s->link_count != 0)
        return jcheck_fail(&p->jc, at, "network.links cannot be combined with a topology");
    const cJSON *v;
    struct jpath sub = jpath_member(at, "tor");
    if ((v = jcheck_member(item, "tor")) != NULL && scn_parse_tor(p, &sub, v) < 0)
        return -1;
    struct scn_topology *t = &p->s->topology;
    t->spine_latency_ns = p->s->net.latency_ns;
    bool bandwidth_given = false;
    sub = jpath_member(at, "spine");
    if ((v = jcheck_member(item, "spine")) != NULL && scn_parse_spine(p, &sub, v, &bandwidth_given) < 0)
        return -1;
    if (scn_derive_uplink(p, at, item, bandwidth_given) < 0)
        return -1;
    sub = jpath_member(at, "pcap");
    if ((v = jcheck_member(item, "pcap")) != NULL && scn_parse_pcap_split(p, &sub, v) < 0)
        return -1;
    return 0;
}
