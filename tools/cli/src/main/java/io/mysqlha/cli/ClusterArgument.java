package io.mysqlha.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** What the commands about one cluster share: the CLUSTER argument and where they print. */
abstract class ClusterArgument {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "the cluster's id, as its spec names it")
    String clusterId;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
