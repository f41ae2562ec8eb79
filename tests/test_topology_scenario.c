/*
 * test_topology_scenario.c - the scenario file's "topology" object
 * (hal-sim/scenario_topology.c): what it fills in, and the exact message
 * for each kind of mistake. Inline JSON uses single quotes; q() turns
 * them into double quotes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hal-sim/scenario.h"

#define X "scenarios/x.json: "

static const char *q(const char *text)
{
    static char buf[4096];
    size_t n = strlen(text);
    cr_assert_lt(n, sizeof buf);
    for (size_t i = 0; i <= n; i++)
        buf[i] = text[i] == '\'' ? '"' : text[i];
    return buf;
}

static void expect_error(const char *text, const char *want)
{
    struct scenario s;
    char err[SCN_ERROR_BYTES];
    const char *doc = q(text);
    cr_assert_eq(scenario_parse(doc, strlen(doc), "scenarios/x.json", &s, err, sizeof err), -1, "%s parsed",
                 doc);
    cr_assert_str_eq(err, want);
}

static void expect_ok(const char *text, struct scenario *s)
{
    char err[SCN_ERROR_BYTES];
    const char *doc = q(text);
    cr_assert_eq(scenario_parse(doc, strlen(doc), "scenarios/x.json", s, err, sizeof err), 0, "%s", err);
}

Test(topology, absent_means_one_flat_lan)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':4}]}", &s);
    cr_assert_eq(s.topology.racks, 0);
    cr_assert_eq(s.topology.nodes_per_rack, 0);
    scenario_free(&s);
}

Test(topology, tiers_and_oversubscription)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':16}],'network':{'latency':'50us','jitter':'1us'},"
              "'topology':{'racks':2,'nodes_per_rack':8,'tor':{'latency':'2us','bandwidth':'10Gbps',"
              "'loss':0.5},'spine':{'latency':'5us','loss':0.25},'oversubscription':4,'pcap':'link'}}",
              &s);
    cr_assert_eq(s.topology.racks, 2);
    cr_assert_eq(s.topology.nodes_per_rack, 8);
    /* "tor" refines the network defaults: the rack's node links. */
    cr_assert_eq(s.net.latency_ns, 2000u);
    cr_assert_eq(s.net.bandwidth_bps, 10000000000u);
    cr_assert_eq(s.net.loss_u32, 1u << 31);
    cr_assert_eq(s.net.jitter_ns, 1000u, "what tor does not set stays the network's");
    cr_assert_eq(s.topology.spine_latency_ns, 5000u);
    cr_assert_eq(s.topology.spine_loss_u32, 1u << 30);
    cr_assert_eq(s.topology.uplink_bps, 20000000000u, "8 nodes x 10Gbps / 4");
    cr_assert_eq(s.topology.pcap, SCN_PCAP_LINK);
    scenario_free(&s);
}

Test(topology, defaults)
{
    struct scenario s;
    expect_ok("{'nodes':[{'count':6}],'network':{'latency':'7us','bandwidth':'1Gbps'},"
              "'topology':{'racks':3,'nodes_per_rack':2,'spine':{'bandwidth':'3Gbps'}}}",
              &s);
    cr_assert_eq(s.net.latency_ns, 7000u);
    cr_assert_eq(s.topology.spine_latency_ns, 7000u, "the spine's latency defaults to the node links'");
    cr_assert_eq(s.topology.spine_loss_u32, 0u);
    cr_assert_eq(s.topology.uplink_bps, 3000000000u, "spine.bandwidth gives the uplink outright");
    cr_assert_eq(s.topology.pcap, SCN_PCAP_RACK);
    scenario_free(&s);
}

Test(topology, errors)
{
    expect_error("{'nodes':[{'count':60}],'topology':{'racks':8,'nodes_per_rack':8}}",
                 X "topology: 8 racks of 8 nodes make 64 nodes, but \"nodes\" has 60");
    expect_error("{'nodes':[{'count':8}],'topology':{'nodes_per_rack':8}}",
                 X "topology: missing required key \"racks\"");
    expect_error("{'nodes':[{'count':254}],'topology':{'racks':1,'nodes_per_rack':254}}",
                 X "topology.nodes_per_rack: a rack is a /24 subnet: at most 253 nodes, got 254");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':0,'nodes_per_rack':4}}",
                 X "topology.racks: expected a positive integer, got 0");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':2,'nodes_per_rack':2,'pcap':'node'}}",
                 X "topology.pcap: expected \"rack\" or \"link\", got \"node\"");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':2,'nodes_per_rack':2,"
                 "'spine':{'bandwidth':'1Gbps'},'oversubscription':2}}",
                 X "topology.oversubscription: give spine.bandwidth or oversubscription, not both");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':2,'nodes_per_rack':2,'oversubscription':0}}",
                 X "topology.oversubscription: expected an integer from 1 to 1000, got 0");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':2,'nodes_per_rack':2,'tor':{'jitter':'1us'}}}",
                 X "topology.tor: unknown key \"jitter\"");
    expect_error("{'nodes':[{'count':4}],'topology':{'racks':2,'nodes_per_rack':2,'spine':{'latency':5}}}",
                 X "topology.spine.latency: expected a duration like \"100us\", got 5");
    expect_error("{'nodes':[{'count':4}],'network':{'links':[{'between':[0,1]}]},"
                 "'topology':{'racks':2,'nodes_per_rack':2}}",
                 X "topology: network.links cannot be combined with a topology");
}
