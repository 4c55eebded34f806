package io.mysqlha.topology;

import io.mysqlha.testsupport.quarkus.RealKafkaResource;
import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealKafkaResource.class)
class TopologyServiceIT extends ServiceContract {
}
