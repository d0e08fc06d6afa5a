/*
 * A service that exists but is not on the road: `billing/legacy-billing`, a
 * small Java/Maven batch with its own catalog-info.yaml (links, tags and
 * annotations of its own, none of the delivery ones) and no Dockerfile,
 * Jenkins job, SonarQube project, ECR repository or Argo CD application.
 * examples/entities.yaml registers the catalog-info.yaml from here, so the
 * catalog shows what the repository says, before and after onboarding.
 */
import type { GitLabSimulator } from '../gitlab/GitLabSimulator';

export const LEGACY_BILLING = {
  group: 'billing',
  name: 'legacy-billing',
  author: {
    name: 'Margaret Hamilton',
    email: 'margaret.hamilton@example.com',
    username: 'margaret.hamilton',
  },
};

/** The files of the repository; the argument is the commit's age in days. */
export const LEGACY_BILLING_FILES: Record<string, (age: number) => string> = {
  'catalog-info.yaml': () => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-billing
  description: The monthly invoicing batch. Not on the road yet - built and deployed by hand.
  tags:
    - java
    - batch
    - billing
  annotations:
    # Not delivery annotations: the team's own, kept by onboarding
    example.com/pager-rotation: billing-oncall
    example.com/release-checklist: https://wiki.example.com/billing/release
  links:
    - url: https://wiki.example.com/billing/runbook
      title: Runbook
      icon: docs
    - url: https://grafana.example.com/d/billing
      title: Dashboard
      icon: dashboard
spec:
  type: service
  lifecycle: production
  owner: team-payments
  system: commerce
`,
  'pom.xml': () => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example.billing</groupId>
  <artifactId>legacy-billing</artifactId>
  <version>3.4.0</version>
  <packaging>jar</packaging>

  <properties>
    <maven.compiler.release>21</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>

  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.11.3</version>
      <scope>test</scope>
    </dependency>
  </dependencies>

  <build>
    <finalName>legacy-billing</finalName>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.2</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-jar-plugin</artifactId>
        <version>3.4.2</version>
        <configuration>
          <archive>
            <manifest>
              <mainClass>com.example.billing.InvoiceBatch</mainClass>
            </manifest>
          </archive>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
`,
  '.gitignore': () => 'target/\n*.iml\n.idea/\n',
  'README.md': () => `# legacy-billing

The monthly invoicing batch: reads the month's captured payments and writes
one invoice per customer.

    mvn -B package
    java -jar target/legacy-billing.jar 2024-11

Released by hand: see the runbook.
`,
  'src/main/java/com/example/billing/InvoiceBatch.java': age => {
    const perLine = age < 100;
    return `package com.example.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** Computes the invoices of a month. */
public final class InvoiceBatch {
  static final BigDecimal VAT = new BigDecimal("0.20");

  public static void main(String[] args) {
    String month = args.length > 0 ? args[0] : "current";
    System.out.println("Invoicing " + month);
  }

  /** The total of an invoice, VAT included, ${
    perLine ? 'VAT rounded per line' : 'VAT rounded once'
  }. */
  public static BigDecimal total(List<BigDecimal> lines) {
${
  perLine
    ? `    return lines.stream()
        .map(l -> l.add(l.multiply(VAT).setScale(2, RoundingMode.HALF_UP)))
        .reduce(BigDecimal.ZERO, BigDecimal::add);`
    : `    BigDecimal net = lines.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    return net.add(net.multiply(VAT)).setScale(2, RoundingMode.HALF_UP);`
}
  }

  private InvoiceBatch() {}
}
`;
  },
  'src/test/java/com/example/billing/InvoiceBatchTest.java':
    age => `package com.example.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvoiceBatchTest {
  @Test
  void addsVat() {
    assertEquals(new BigDecimal("12.00"), InvoiceBatch.total(List.of(new BigDecimal("10.00"))));
  }
${
  age < 100
    ? `
  @Test
  void roundsVatPerLine() {
    assertEquals(
        new BigDecimal("0.26"),
        InvoiceBatch.total(List.of(new BigDecimal("0.11"), new BigDecimal("0.11"))));
  }
`
    : ''
}}
`,
};

const DAY = 86400000;

export async function seedLegacyBilling(
  gitlab: GitLabSimulator,
  options: { now: number },
) {
  const { author } = LEGACY_BILLING;
  gitlab.addUser(author.username, author.name, author.email);
  const createdAt = options.now - 400 * DAY;
  const project = await gitlab.createProject({
    namespace: gitlab.ensureGroup(LEGACY_BILLING.group, createdAt),
    name: LEGACY_BILLING.name,
    path: LEGACY_BILLING.name,
    description:
      'The monthly invoicing batch. Built and deployed by hand from a release checklist.',
    createdAt,
    topics: ['java', 'batch'],
  });
  const full = gitlab.fullPath(project);
  const history: { days: number; message: string; files: string[] }[] = [
    {
      days: 400,
      message: 'Initial import of the invoicing batch',
      files: [
        'pom.xml',
        '.gitignore',
        'README.md',
        'src/main/java/com/example/billing/InvoiceBatch.java',
        'src/test/java/com/example/billing/InvoiceBatchTest.java',
      ],
    },
    {
      days: 120,
      message: 'Describe the service in the Backstage catalog',
      files: ['catalog-info.yaml'],
    },
    {
      days: 30,
      message: 'fix: round VAT per invoice line, not per invoice',
      files: [
        'src/main/java/com/example/billing/InvoiceBatch.java',
        'src/test/java/com/example/billing/InvoiceBatchTest.java',
      ],
    },
  ];
  for (const step of history) {
    await gitlab.repos.commitFiles(
      full,
      project.defaultBranch,
      async () =>
        step.files.map(file => ({
          path: file,
          content: LEGACY_BILLING_FILES[file](step.days),
        })),
      {
        message: step.message,
        author,
        date: new Date(options.now - step.days * DAY),
      },
    );
  }
  return project;
}
