package com.example.billing;

public final class Main {
  public static void main(String[] args) {
    System.out.println("invoicing");
  }
}
