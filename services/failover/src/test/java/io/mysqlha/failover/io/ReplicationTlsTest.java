package io.mysqlha.failover.io;

import io.mysqlha.domain.TlsMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The replication channel a re-pointed replica gets, per cluster TLS mode. */
class ReplicationTlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "DISABLED        | ', MASTER_SSL=0'",
        "PREFERRED       | ''",
        "REQUIRED        | ', MASTER_SSL=1'",
        "VERIFY_CA       | ', MASTER_SSL=1'",
        "VERIFY_IDENTITY | ', MASTER_SSL=1'"})
    void theChannelIsEncryptedWhenTheClusterRequiresTls(TlsMode mode, String expected) {
        assertEquals(expected, MariaDbPromotion.replicationTls("MASTER_SSL", mode));
    }
}
