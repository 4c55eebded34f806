package io.mysqlha.gateway;

import io.mysqlha.testsupport.quarkus.ServiceContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class ProxyGatewayServiceIT extends ServiceContract {
}
