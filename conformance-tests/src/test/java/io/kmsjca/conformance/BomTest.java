package io.kmsjca.conformance;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The artifacts users depend on (issue #22, README "Depending on kms-jca"): the BOM pins every
 * published module, and only those, at the build's own version, and inherits nothing from the
 * parent (importing it must not pin kms-jca's test libraries in the user's build). A module is
 * published when it attaches a sources jar (declares maven-source-plugin).
 */
class BomTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private final XPath xpath = XPathFactory.newInstance().newXPath();

    @Test
    void bom_pinsEveryPublishedArtifact_atTheBuildVersion() throws Exception {
        Document parent = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("bom/pom.xml"));

        assertEquals(text(parent, "/project/version"), text(bom, "/project/version"), "the BOM's version is the build's");
        assertEquals("kms-jca-bom", text(bom, "/project/artifactId"));
        assertEquals("", text(bom, "/project/parent"), "the BOM has no parent: its dependencyManagement is all a user imports");

        Set<String> published = new TreeSet<>();
        NodeList modules = nodes(parent, "/project/modules/module");
        for (int i = 0; i < modules.getLength(); i++) {
            Path pom = ROOT.resolve(modules.item(i).getTextContent().trim()).resolve("pom.xml");
            Document module = parse(pom);
            if (!text(module, "/project/build/plugins/plugin[artifactId='maven-source-plugin']").isEmpty()) {
                published.add(text(module, "/project/artifactId"));
            }
        }
        assertEquals(Set.of("kms-jca-keystore-spi", "kms-jca-provider", "kms-jca-keystore-postgres",
                "kms-jca-spring-boot-starter", "kms-jca-server"), published);

        Set<String> pinned = new TreeSet<>();
        NodeList dependencies = nodes(bom, "/project/dependencyManagement/dependencies/dependency[not(type)]");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Node dependency = dependencies.item(i);
            assertEquals("io.kmsjca", text(dependency, "groupId"));
            assertEquals("${project.version}", text(dependency, "version"));
            pinned.add(text(dependency, "artifactId"));
        }
        assertEquals(published, pinned, "the BOM pins exactly the published artifacts");
        assertTrue(Files.isRegularFile(ROOT.resolve("LICENSE")) && Files.isRegularFile(ROOT.resolve("NOTICE")));
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private String text(Object context, String expression) throws Exception {
        return ((String) xpath.evaluate(expression, context, XPathConstants.STRING)).trim();
    }

    private NodeList nodes(Object context, String expression) throws Exception {
        return (NodeList) xpath.evaluate(expression, context, XPathConstants.NODESET);
    }
}
